using OaiRouter.Actors.Errors;
using OaiRouter.Host.Errors;
using OaiRouter.Host.Security;
using OaiRouter.Tracking.Ui;

namespace OaiRouter.Host.Endpoints;

internal static class RouterEndpoints
{
    /// <summary>The whole HTTP surface: /v1 behind client keys, health and the OpenAPI document outside.</summary>
    public static WebApplication MapRouterEndpoints(this WebApplication app)
    {
        app.UseRequestIds();
        var v1 = app.MapGroup("/v1").AddEndpointFilter<ClientKeyFilter>();
        v1.MapCompletions();
        v1.MapModels();
        v1.MapFallback((HttpContext context) => ErrorResponses.WriteAsync(context, FailureKind.NotFound,
                $"Unknown route: {context.Request.Method} {context.Request.Path}."))
            .ExcludeFromDescription();
        app.MapHealth();
        app.MapRouterMetrics();
        app.MapTrackingUi();
        app.MapOpenApi();
        return app;
    }
}
