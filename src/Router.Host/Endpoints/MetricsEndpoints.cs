using OaiRouter.Actors.Ledger;
using OaiRouter.Actors.Metrics;
using OaiRouter.Host.Security;
using Prometheus;

namespace OaiRouter.Host.Endpoints;

/// <summary><c>GET /metrics</c> in Prometheus text format, behind the client keys when they are set.</summary>
internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapRouterMetrics(this IEndpointRouteBuilder app)
    {
        // Creates the router's metrics now, which trims prometheus-net's defaults before any
        // collection could start them (see RouterMetrics).
        _ = RouterMetrics.Requests;
        app.MapGet("/metrics", async (HttpContext context, ClientKeys keys, LedgerBacklog backlog) =>
            {
                if (keys.Required && keys.MatchBearerOrBasic(context.Request.Headers.Authorization) is null)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Basic realm=\"OaiRouter\"";
                    return;
                }
                context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                // Read at scrape time from this host's Ledger, which counts it on every event.
                RouterMetrics.LedgerLag.Set(backlog.Pending);
                await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
            })
            .WithName("Metrics")
            .WithSummary("Prometheus metrics: requests, latencies, overhead, tokens, cost, in-flight, media queues, ledger lag.");
        return app;
    }
}
