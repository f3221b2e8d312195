using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OaiRouter.Tracking.Queries;
using OaiRouter.Tracking.Ui.Pages;

namespace OaiRouter.Tracking.Ui;

/// <summary>The UI's handlers: read the URL, ask the store, render a page.</summary>
internal static class TrackingEndpoints
{
    public static async Task<IResult> List(HttpContext http, TrackingUiContext ui, CancellationToken cancellationToken)
    {
        var pageSize = ui.Options.PageSize;
        var query = RequestQuery.FromQuery(http.Request.Query, pageSize);
        // One URL per view: a form's empty fields and unknown values are dropped by redirecting
        // to the canonical query string (which parses back to itself).
        var canonical = query.ToQueryString(pageSize);
        if (!string.Equals(http.Request.QueryString.Value ?? "", canonical, StringComparison.Ordinal))
        {
            return Results.Redirect(TrackingUiExtensions.BasePath + canonical);
        }
        var page = await ui.Store.ListAsync(query, cancellationToken);
        var choices = await ui.Store.ChoicesAsync(cancellationToken: cancellationToken);
        return new RazorComponentResult<RequestListPage>(new Dictionary<string, object?>
        {
            [nameof(RequestListPage.Query)] = query,
            [nameof(RequestListPage.Page)] = page,
            [nameof(RequestListPage.Choices)] = choices,
            [nameof(RequestListPage.DefaultPageSize)] = pageSize,
        });
    }

    public static async Task<IResult> Detail(string id, TrackingUiContext ui, CancellationToken cancellationToken)
    {
        var request = await ui.Store.GetAsync(id, cancellationToken);
        if (request is null)
        {
            return new RazorComponentResult<NotFoundPage>(new Dictionary<string, object?> { [nameof(NotFoundPage.RequestId)] = id })
            {
                StatusCode = StatusCodes.Status404NotFound,
            };
        }
        return new RazorComponentResult<RequestDetailPage>(new Dictionary<string, object?> { [nameof(RequestDetailPage.Request)] = request });
    }

    public static async Task<IResult> Summary(HttpContext http, TrackingUiContext ui, TimeProvider time, CancellationToken cancellationToken)
    {
        var range = SummaryRange.FromQuery(http.Request.Query, time.GetUtcNow(), ui.Options.SummaryRange);
        var summary = await ui.Summaries.GetAsync(range, cancellationToken);
        return new RazorComponentResult<SummaryPage>(new Dictionary<string, object?>
        {
            [nameof(SummaryPage.Range)] = range,
            [nameof(SummaryPage.Summary)] = summary,
        });
    }

    public static IResult Asset(string name, HttpContext http)
    {
        if (!UiAssets.TryGet(name, out var asset))
        {
            return Results.NotFound();
        }
        if (http.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        http.Response.Headers.ETag = asset.ETag;
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}

/// <summary>The stylesheet and icon, embedded in the assembly so the UI needs no static-file setup.</summary>
internal static class UiAssets
{
    public sealed record Asset(byte[] Content, string ContentType, string ETag, string Version);

    private static readonly Dictionary<string, Asset> ByName = Load();

    /// <summary>A URL that changes whenever the file does, so browsers never keep a stale copy.</summary>
    public static string Url(string name) => $"{TrackingUiExtensions.BasePath}/assets/{name}?v={ByName[name].Version}";

    public static bool TryGet(string name, out Asset asset) => ByName.TryGetValue(name, out asset!);

    private static Dictionary<string, Asset> Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        const string prefix = "OaiRouter.Tracking.Ui.Assets.";
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var hash = Convert.ToHexStringLower(SHA256.HashData(content))[..16];
            var name = resource[prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            assets[name] = new Asset(content, type, $"\"{hash}\"", hash);
        }
        return assets;
    }
}
