using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class MetricsTests
{
    private const string Key = "metrics-client-key-1";

    [Fact]
    public async Task Metrics_CountRequestsTokensAndCostByModel()
    {
        await using var router = await TestRouter.StartAsync();
        var model = $"test/metrics-{Guid.NewGuid():N}";
        for (var i = 0; i < 3; i++)
        {
            using var _ = await router.PostJsonAsync("v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"x"}]}""");
        }

        // Tokens and cost are counted by the request actors just after the responses: await them with a bound.
        string text = "";
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!bound.IsCancellationRequested && !text.Contains($"oai_router_cost_usd_total{{model=\"{model}\"}} 0.00126"))
        {
            text = await router.Http.GetStringAsync("metrics");
            await Task.Delay(20);
        }

        Assert.Contains($"oai_router_requests_total{{endpoint=\"/v1/chat/completions\",model=\"{model}\",status=\"200\"}} 3", text);
        Assert.Contains($"oai_router_tokens_total{{model=\"{model}\",kind=\"prompt\"}} 33", text);
        Assert.Contains($"oai_router_cost_usd_total{{model=\"{model}\"}} 0.00126", text);
        Assert.Contains("oai_router_overhead_seconds_bucket", text);
        Assert.Contains("oai_router_in_flight_requests", text);
        // Process figures stay; the re-published .NET meters (Kestrel's, per measurement) do not.
        Assert.Contains("process_cpu_seconds_total", text);
        Assert.DoesNotContain("kestrel_", text);
    }

    [Fact]
    public async Task LedgerLag_IsTheLedgersCountOfUnwrittenEvents()
    {
        await using var router = await TestRouter.StartAsync();
        var backlog = router.App.Services.GetRequiredService<OaiRouter.Actors.Ledger.LedgerBacklog>();

        // The Ledger also reports (0) when its writer opens: set the count until a scrape sees it, bounded.
        var text = "";
        for (var i = 0; i < 50 && !text.Contains("\noai_router_ledger_lag_events 4321\n"); i++)
        {
            backlog.Update(4321, writing: true);
            text = await router.Http.GetStringAsync("metrics");
        }

        Assert.Contains("\noai_router_ledger_lag_events 4321\n", text);
        backlog.Update(0, writing: true);
    }

    [Fact]
    public async Task Metrics_NeedAKeyWhenKeysAreSet()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["ROUTER_API_KEYS"] = Key });

        using var anonymous = await router.Http.GetAsync("metrics");
        using var basic = new HttpRequestMessage(HttpMethod.Get, "metrics");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{Key}")));
        using var withBasic = await router.Http.SendAsync(basic);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withBasic.StatusCode);
    }

    [Fact]
    public async Task EveryV1Response_SaysTheRoutersOverhead()
    {
        await using var router = await TestRouter.StartAsync();
        using var ok = await router.PostJsonAsync("v1/chat/completions", """{"model":"fake/slow-200","messages":[{"role":"user","content":"x"}]}""");
        using var stream = await router.PostJsonAsync("v1/chat/completions", """{"model":"test/o","stream":true,"messages":[{"role":"user","content":"x"}]}""");

        foreach (var response in new[] { ok, stream })
        {
            var overhead = double.Parse(response.Headers.GetValues("X-Router-Overhead-Ms").Single(), CultureInfo.InvariantCulture);
            // The fake waited 200 ms; none of that is the router's.
            Assert.InRange(overhead, 0, 150);
        }
    }
}
