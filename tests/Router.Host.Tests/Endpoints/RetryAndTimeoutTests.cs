using System.Net;
using System.Net.Sockets;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class RetryAndTimeoutTests
{
    private static string Chat(string model, bool stream = false) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"x"}]}""";

    [Fact]
    public async Task TransientFailures_AreRetriedUntilAnswered()
    {
        await using var router = await TestRouter.StartAsync();
        var model = $"fake/flaky-503x2-{Guid.NewGuid():N}";

        using var response = await router.PostJsonAsync("v1/chat/completions", Chat(model));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, router.UpstreamRequestsFor(model).Count);
    }

    [Fact]
    public async Task Retries_StopAtTheConfiguredBound()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["UPSTREAM_MAX_ATTEMPTS"] = "2" });
        var model = $"fake/flaky-529x5-{Guid.NewGuid():N}";

        using var response = await router.PostJsonAsync("v1/chat/completions", Chat(model));

        await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 529);
        Assert.Equal(2, router.UpstreamRequestsFor(model).Count);
    }

    [Fact]
    public async Task RateLimitWithShortRetryAfter_IsRetried_LongOneIsNot()
    {
        await using var router = await TestRouter.StartAsync();
        var shortWait = $"fake/flaky-429x1-{Guid.NewGuid():N}";

        using var retried = await router.PostJsonAsync("v1/chat/completions", Chat(shortWait));
        using var refused = await router.PostJsonAsync("v1/chat/completions", Chat("fake/error-429-long"));

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, router.UpstreamRequestsFor(shortWait).Count);
        await UpstreamErrorTests.AssertOpenAiErrorAsync(refused, 429);
        Assert.Equal(TimeSpan.FromSeconds(120), refused.Headers.RetryAfter?.Delta);
        Assert.Single(router.UpstreamRequestsFor("fake/error-429-long"));
    }

    [Fact]
    public async Task StreamRetries_HappenBeforeTheFirstByte()
    {
        await using var router = await TestRouter.StartAsync();
        var model = $"fake/flaky-502x1-{Guid.NewGuid():N}";

        using var response = await router.PostJsonAsync("v1/chat/completions", Chat(model, stream: true));
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("\"error\"", raw);
        Assert.EndsWith("data: [DONE]\n\n", raw);
        Assert.Equal(2, router.UpstreamRequestsFor(model).Count);
    }

    [Fact]
    public async Task UnreachableUpstream_Gives502AfterTheAttempts()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now: connections are refused

        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?>
        {
            ["OPENROUTER_BASE_URL"] = $"http://127.0.0.1:{closedPort}/api/v1",
        });
        using var response = await router.PostJsonAsync("v1/chat/completions", Chat("test/unreachable"));

        var error = await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 502);
        Assert.Equal("upstream_unreachable", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task StalledUpstream_TimesOutWith504()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["UPSTREAM_TIMEOUT_SECONDS"] = "2" });

        using var response = await router.PostJsonAsync("v1/chat/completions", Chat("fake/stall"));

        var error = await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 504);
        Assert.Equal("upstream_timeout", error.GetProperty("code").GetString());
        Assert.True(await router.Fake.WaitForCancelledAsync(1, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task StreamThatStallsAfterAToken_EndsWithA504EventAndDone()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["UPSTREAM_TIMEOUT_SECONDS"] = "2" });

        using var response = await router.PostJsonAsync("v1/chat/completions", Chat("fake/stall-after-token", stream: true));
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errorChunk = Assert.Single(Sse.Chunks(raw), c => c.TryGetProperty("error", out _));
        Assert.Equal(504, errorChunk.GetProperty("error").GetProperty("code").GetInt32());
        Assert.EndsWith("data: [DONE]\n\n", raw);
    }
}
