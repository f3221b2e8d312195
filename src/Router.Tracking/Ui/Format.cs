using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Ui;

/// <summary>How figures read on the pages. Returns plain text: Razor encodes it.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>UTC, to the second.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant);

    /// <summary>UTC with milliseconds and zone, for tooltips and the detail page.</summary>
    public static string TimeExact(DateTimeOffset? t) => t is null ? "—" : t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", Invariant);

    /// <summary>Dollars with enough digits for fractions of a cent.</summary>
    public static string Cost(double? usd) => usd switch
    {
        null => "—",
        0 => "$0",
        < 0.01 => "$" + usd.Value.ToString("0.000000", Invariant),
        < 100 => "$" + usd.Value.ToString("0.0000", Invariant),
        _ => "$" + usd.Value.ToString("#,0.00", Invariant),
    };

    /// <summary>Dollars for totals.</summary>
    public static string Money(double usd) => usd < 1 ? Cost(usd) : "$" + usd.ToString("#,0.00", Invariant);

    /// <summary>Dollars for an axis: round figures, no more digits than the scale needs.</summary>
    public static string MoneyAxis(double usd) => usd switch
    {
        0 => "$0",
        < 0.001 => "$" + usd.ToString("0.######", Invariant),
        < 1 => "$" + usd.ToString("0.###", Invariant),
        _ => "$" + usd.ToString("#,0.##", Invariant),
    };

    /// <summary>Milliseconds below a second, seconds above.</summary>
    public static string Duration(double? ms) => ms switch
    {
        null => "—",
        < 10 => ms.Value.ToString("0.0", Invariant) + " ms",
        < 1000 => ms.Value.ToString("0", Invariant) + " ms",
        < 60_000 => (ms.Value / 1000).ToString("0.00", Invariant) + " s",
        _ => (ms.Value / 60_000).ToString("0.0", Invariant) + " min",
    };

    /// <summary>A count with thousands separators.</summary>
    public static string Count(long? n) => n is null ? "—" : n.Value.ToString("#,0", Invariant);

    /// <summary>A byte size.</summary>
    public static string Bytes(long? n) => n switch
    {
        null => "—",
        < 1024 => n.Value.ToString(Invariant) + " B",
        < 1024 * 1024 => (n.Value / 1024.0).ToString("0.0", Invariant) + " KiB",
        _ => (n.Value / 1024.0 / 1024.0).ToString("0.0", Invariant) + " MiB",
    };

    /// <summary>A share as a percentage.</summary>
    public static string Percent(long part, long whole) => whole == 0 ? "0 %" : (100.0 * part / whole).ToString(part * 1000 < whole ? "0.00" : "0.0", Invariant) + " %";

    /// <summary>The status cell's text: the code, or what happened when there is none.</summary>
    public static string Status(int? status, string outcome) => status?.ToString(Invariant) ?? outcome switch
    {
        "received" => "pending",
        _ => outcome,
    };

    /// <summary>The CSS class of a status badge.</summary>
    public static string StatusClass(int? status, string outcome) => (status, outcome) switch
    {
        (_, "cancelled") => "badge badge-muted",
        (null, "received") => "badge badge-info",
        ( >= 500, _) => "badge badge-bad",
        ( >= 400, _) => "badge badge-warn",
        (_, "failed") => "badge badge-bad",
        ( >= 200 and < 300, _) => "badge badge-ok",
        _ => "badge badge-muted",
    };

    /// <summary>Where a cost came from, in words.</summary>
    public static string CostSource(string? source) => source switch
    {
        null => "no cost recorded",
        "response" => "response — usage.cost in the answer (or the stream's last chunk)",
        "generation" => "generation — looked up afterwards at OpenRouter's /generation",
        _ => source,
    };

    /// <summary>The link to a request's detail page.</summary>
    public static string DetailUrl(string requestId) => $"{TrackingUiExtensions.BasePath}/requests/{Uri.EscapeDataString(requestId)}";

    /// <summary>The list's URL for a query.</summary>
    public static string ListUrl(RequestQuery query, int defaultPageSize) => TrackingUiExtensions.BasePath + query.ToQueryString(defaultPageSize);

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Show text as written (accents, quotes, <tags>) rather than as \u escapes. Safe only
        // because the result is HTML-encoded by Razor, never written raw.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// JSON indented for reading; anything else (a body cut by the size cap, a text stream) as it
    /// was recorded.
    /// </summary>
    public static string PrettyJson(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return "";
        }
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
            return node is null ? body : node.ToJsonString(Indented);
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
