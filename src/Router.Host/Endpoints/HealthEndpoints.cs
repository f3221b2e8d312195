using Microsoft.Extensions.Options;
using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Host.Endpoints;

/// <summary><c>GET /health</c>: the process is up; says whether an OpenRouter key is set.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (IOptionsMonitor<OpenRouterOptions> openRouter) =>
                TypedResults.Ok(new HealthReport("ok", openRouter.CurrentValue.HasApiKey)))
            .WithName("Health");
        return app;
    }

    internal sealed record HealthReport(string Status, bool OpenRouterKeyConfigured);
}
