using System.Net;
using System.Text;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class DisconnectAndShutdownTests
{
    [Fact]
    public async Task ClientAbortingASlowStream_CancelsUpstream_AndTheRouterStillServes()
    {
        await using var router = await TestRouter.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using (var response = await router.PostJsonAsync("v1/chat/completions",
            """{"model":"fake/slow-300","stream":true,"messages":[{"role":"user","content":"a long answer please"}]}""", ct: cts.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, cts.Token);
            Assert.True(read > 0);
            // Leaving the using block mid-stream drops the connection, as a closed browser tab would.
        }

        Assert.True(await router.Fake.WaitForCancelledAsync(1, TimeSpan.FromSeconds(10)), "upstream call was not cancelled");
        using var after = await router.PostJsonAsync("v1/chat/completions", """{"model":"test/after","messages":[{"role":"user","content":"still there?"}]}""");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("echo: still there?", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ClientAbortingAWaitingRequest_CancelsUpstream()
    {
        await using var router = await TestRouter.StartAsync();
        using var cts = new CancellationTokenSource();
        var pending = router.PostJsonAsync("v1/chat/completions", """{"model":"fake/stall","messages":[{"role":"user","content":"x"}]}""", ct: cts.Token);
        Assert.True(await Eventually.WithinAsync(() => router.Fake.Requests.Any(r => r.Body.Contains("fake/stall")), TimeSpan.FromSeconds(10)));

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.True(await router.Fake.WaitForCancelledAsync(1, TimeSpan.FromSeconds(10)), "upstream call was not cancelled");
    }

    [Fact]
    public async Task Shutdown_DrainsInFlightRequests()
    {
        var router = await TestRouter.StartAsync();
        try
        {
            var inFlight = router.PostJsonAsync("v1/chat/completions", """{"model":"fake/slow-1000","messages":[{"role":"user","content":"drain me"}]}""");
            Assert.True(await Eventually.WithinAsync(() => router.Fake.Requests.Any(r => r.Body.Contains("drain me")), TimeSpan.FromSeconds(10)));

            var stopping = router.App.StopAsync();
            using var response = await inFlight;
            await stopping;

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("echo: drain me", Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()));
        }
        finally
        {
            await router.DisposeAsync();
        }
    }
}
