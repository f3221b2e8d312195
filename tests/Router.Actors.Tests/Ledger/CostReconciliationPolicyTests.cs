using OaiRouter.Actors.Ledger;

namespace OaiRouter.Actors.Tests.Ledger;

public sealed class CostReconciliationPolicyTests
{
    private readonly CostReconciliationPolicy _policy = new(4, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

    [Fact]
    public void Found_IsRecorded()
    {
        var found = new GenerationFound(0.5, 1, 2, null, null);
        Assert.Equal(new RecordCost(found), _policy.Decide(1, found));
        Assert.Equal(new RecordCost(found), _policy.Decide(4, found));
    }

    [Fact]
    public void NotReadyOrUnavailable_IsAskedAgainWithGrowingCappedDelay_UntilTheBound()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), _policy.FirstDelay);
        Assert.Equal(new LookUpAgain(TimeSpan.FromSeconds(4)), _policy.Decide(1, new GenerationNotReady(404)));
        Assert.Equal(new LookUpAgain(TimeSpan.FromSeconds(8)), _policy.Decide(2, new GenerationUnavailable(503, "busy")));
        Assert.Equal(new LookUpAgain(TimeSpan.FromSeconds(10)), _policy.Decide(3, new GenerationUnavailable(null, "timed out")));
        Assert.IsType<GiveUp>(_policy.Decide(4, new GenerationNotReady(404)));
    }

    [Fact]
    public void Refused_GivesUpAtOnce() =>
        Assert.IsType<GiveUp>(_policy.Decide(1, new GenerationRefused(401, "bad key")));

    [Theory]
    [InlineData(null, "gen-1", true)]
    [InlineData(0.01, "gen-1", false)]
    [InlineData(null, null, false)]
    [InlineData(null, " ", false)]
    public void OnlyMissingCostsWithAGeneration_AreLookedUp(double? cost, string? generationId, bool expected)
    {
        var finished = new RequestFinished("r", DateTimeOffset.UnixEpoch, RequestFinished.Cancelled, 200, null, null,
            generationId, null, null, null, null, null, null, null, cost, null, 1, null, 0, 0, 0, 1, null, null);
        Assert.Equal(expected, CostReconciliationPolicy.NeedsLookup(finished));
    }
}
