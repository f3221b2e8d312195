using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Ui;

/// <summary>Registers and maps the tracking UI (<c>/ui/tracking</c>).</summary>
public static class TrackingUiExtensions
{
    /// <summary>The path the UI lives under.</summary>
    public const string BasePath = "/ui/tracking";

    /// <summary>
    /// Adds what the UI needs: its options (validated here, so a bad setting fails at start-up),
    /// the request store over <see cref="TrackingUiOptions.ConnectionString"/>, and Razor
    /// component rendering.
    /// </summary>
    public static IServiceCollection AddTrackingUi(this IServiceCollection services, TrackingUiOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddRazorComponents();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(provider =>
        {
            var store = new RequestStore(options.ConnectionString);
            return new TrackingUiContext(options, store, new TrackingAccess(options), new SummaryCache(store, provider.GetRequiredService<TimeProvider>()));
        });
        return services;
    }

    /// <summary>
    /// Maps the list (<c>/ui/tracking</c>), a request's detail (<c>/ui/tracking/requests/{id}</c>),
    /// the summary (<c>/ui/tracking/summary</c>) and the stylesheet. Every response carries a
    /// Content-Security-Policy; when keys are configured, pages answer 401 with a Basic challenge
    /// until one is presented.
    /// </summary>
    public static IEndpointRouteBuilder MapTrackingUi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var context = app.ServiceProvider.GetService<TrackingUiContext>()
            ?? throw new InvalidOperationException("Call services.AddTrackingUi(options) before app.MapTrackingUi().");

        app.MapGet(BasePath + "/assets/{name}", TrackingEndpoints.Asset)
            .AddEndpointFilter(new SecurityHeadersFilter())
            .ExcludeFromDescription();

        var pages = app.MapGroup(BasePath)
            .AddEndpointFilter(new SecurityHeadersFilter())
            .AddEndpointFilter(new TrackingAccessFilter(context.Access))
            .ExcludeFromDescription();
        pages.MapGet("", TrackingEndpoints.List);
        pages.MapGet("/requests/{id}", TrackingEndpoints.Detail);
        pages.MapGet("/summary", TrackingEndpoints.Summary);
        return app;
    }
}

/// <summary>The UI's own services, registered as one so they cannot clash with the host's.</summary>
internal sealed record TrackingUiContext(TrackingUiOptions Options, RequestStore Store, TrackingAccess Access, SummaryCache Summaries);

/// <summary>Security headers on every UI response, the 401 included.</summary>
internal sealed class SecurityHeadersFilter : IEndpointFilter
{
    /// <summary>No script at all; styles and images only from the router itself (data: for the favicon).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}

/// <summary>Answers 401 with a Basic challenge (so browsers prompt) unless a key is presented.</summary>
internal sealed class TrackingAccessFilter(TrackingAccess access) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!access.IsAllowed(http))
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"OaiRouter\"";
            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(
                "Authentication required: send 'Authorization: Bearer <key>' or HTTP Basic with a router key as the password.",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        }
        // Pages show recorded traffic: keep them out of shared caches.
        http.Response.Headers.CacheControl = "no-store";
        return await next(context);
    }
}
