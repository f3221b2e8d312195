using OaiRouter.Actors.Completions;

namespace OaiRouter.Host.Endpoints;

/// <summary>Per-request values the /v1 pipeline sets before handlers run.</summary>
internal static class RequestContext
{
    public const string RequestIdHeader = "X-Request-Id";
    private const string IdKey = "oai.request-id";
    private const string KeyLabelKey = "oai.key-label";

    /// <summary>Gives every /v1 response, errors and 401s included, its own X-Request-Id.</summary>
    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1"))
            {
                var id = RequestId.New();
                context.Items[IdKey] = id;
                context.Response.Headers[RequestIdHeader] = id.Value;
            }
            return next(context);
        });

    public static RequestId Id(HttpContext context) =>
        context.Items.TryGetValue(IdKey, out var id) && id is RequestId value ? value : RequestId.New();

    public static string? KeyLabel(HttpContext context) => context.Items[KeyLabelKey] as string;

    public static void SetKeyLabel(HttpContext context, string label) => context.Items[KeyLabelKey] = label;
}
