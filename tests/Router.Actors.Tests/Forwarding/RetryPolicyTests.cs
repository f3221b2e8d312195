using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Actors.Tests.Forwarding;

public sealed class RetryPolicyTests
{
    private readonly RetryPolicy _policy = new(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(524)]
    [InlineData(529)]
    [InlineData(null)]
    public void TransientFailures_AreRetriedWithGrowingBackoff(int? status)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), _policy.Decide(1, status, null));
        Assert.Equal(TimeSpan.FromMilliseconds(200), _policy.Decide(2, status, null));
        Assert.Null(_policy.Decide(3, status, null));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(402)]
    [InlineData(403)]
    [InlineData(408)]
    [InlineData(500)]
    public void ClientAndOtherErrors_AreNotRetried(int status) => Assert.Null(_policy.Decide(1, status, null));

    [Fact]
    public void RateLimit_IsRetriedOnlyWhenRetryAfterIsShort()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), _policy.Decide(1, 429, TimeSpan.FromSeconds(1)));
        Assert.Null(_policy.Decide(1, 429, TimeSpan.FromSeconds(30)));
        Assert.Null(_policy.Decide(1, 429, null));
    }

    [Fact]
    public void SingleAttempt_NeverRetries() =>
        Assert.Null(new RetryPolicy(1, TimeSpan.Zero, TimeSpan.FromSeconds(2)).Decide(1, 503, null));
}
