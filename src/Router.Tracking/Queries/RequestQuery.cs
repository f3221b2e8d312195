using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace OaiRouter.Tracking.Queries;

/// <summary>
/// One view of the request list — filters, search, sort and page — exactly as the URL carries
/// it, so a view can be bookmarked and shared. Parsing never fails: what cannot be understood
/// is left out.
/// </summary>
public sealed record RequestQuery
{
    /// <summary>The page size used when the URL names none.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The largest page the URL may ask for.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Exact requested model.</summary>
    public string? Model { get; init; }

    /// <summary>Status code, class or error/pending.</summary>
    public StatusFilter? Status { get; init; }

    /// <summary>Exact endpoint path.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Exact client key label.</summary>
    public string? KeyLabel { get; init; }

    /// <summary>Received at or after (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Received before (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Full-text search over request ids, messages and responses.</summary>
    public string? Q { get; init; }

    /// <summary>The sort column.</summary>
    public SortColumn Sort { get; init; } = SortColumn.Time;

    /// <summary>The sort direction.</summary>
    public SortDirection Direction { get; init; } = SortDirection.Desc;

    /// <summary>Opaque keyset token: the page starts after this row.</summary>
    public string? After { get; init; }

    /// <summary>Opaque keyset token: the page ends before this row.</summary>
    public string? Before { get; init; }

    /// <summary>Rows per page.</summary>
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>True when any filter or search narrows the list.</summary>
    public bool IsFiltered => Model is not null || Status is not null || Endpoint is not null || KeyLabel is not null
        || From is not null || To is not null || Q is not null;

    /// <summary>Reads a query string (with or without the leading <c>?</c>).</summary>
    public static RequestQuery Parse(string? queryString, int defaultPageSize = DefaultPageSize)
    {
        var values = QueryHelpers.ParseQuery(queryString);
        return FromValues(key => values.TryGetValue(key, out var v) ? v.ToString() : null, defaultPageSize);
    }

    /// <summary>Reads the query of an HTTP request.</summary>
    public static RequestQuery FromQuery(IQueryCollection query, int defaultPageSize = DefaultPageSize)
        => FromValues(key => query.TryGetValue(key, out var v) ? v.ToString() : null, defaultPageSize);

    private static RequestQuery FromValues(Func<string, string?> get, int defaultPageSize)
    {
        var sort = SortKey.TryParse(get("sort"), out var column) ? column : SortColumn.Time;
        var dir = get("dir")?.Trim().ToLowerInvariant() switch
        {
            "asc" => SortDirection.Asc,
            "desc" => SortDirection.Desc,
            _ => SortKey.For(sort).DefaultDirection,
        };
        var size = int.TryParse(get("size"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0
            ? Math.Min(s, MaxPageSize)
            : defaultPageSize;
        return new RequestQuery
        {
            Model = Clean(get("model")),
            Status = StatusFilter.Parse(get("status")),
            Endpoint = Clean(get("endpoint")),
            KeyLabel = Clean(get("key")),
            From = ParseTime(get("from")),
            To = ParseTime(get("to")),
            Q = Clean(get("q")),
            Sort = sort,
            Direction = dir,
            After = Clean(get("after")),
            Before = Clean(get("before")),
            PageSize = size,
        };
    }

    /// <summary>
    /// The query string that gives this view back (with a leading <c>?</c>, or empty). Defaults
    /// are left out so URLs stay short. <paramref name="defaultPageSize"/> is the size not written.
    /// </summary>
    public string ToQueryString(int defaultPageSize = DefaultPageSize)
    {
        var sb = new StringBuilder();
        Add(sb, "q", Q);
        Add(sb, "model", Model);
        Add(sb, "status", Status?.Text);
        Add(sb, "endpoint", Endpoint);
        Add(sb, "key", KeyLabel);
        Add(sb, "from", FormatTime(From));
        Add(sb, "to", FormatTime(To));
        var key = SortKey.For(Sort);
        if (Sort != SortColumn.Time || Direction != key.DefaultDirection)
        {
            Add(sb, "sort", key.UrlName);
            Add(sb, "dir", Direction == SortDirection.Asc ? "asc" : "desc");
        }
        if (PageSize != defaultPageSize)
        {
            Add(sb, "size", PageSize.ToString(CultureInfo.InvariantCulture));
        }
        Add(sb, "after", After);
        Add(sb, "before", Before);
        return sb.ToString();
    }

    /// <summary>The same filters, back on the first page.</summary>
    public RequestQuery FirstPage() => this with { After = null, Before = null };

    /// <summary>
    /// Sorted by <paramref name="column"/>: the same column flips direction, a new one starts in
    /// its natural direction. Paging starts over.
    /// </summary>
    public RequestQuery SortedBy(SortColumn column) => FirstPage() with
    {
        Sort = column,
        Direction = column == Sort
            ? (Direction == SortDirection.Asc ? SortDirection.Desc : SortDirection.Asc)
            : SortKey.For(column).DefaultDirection,
    };

    /// <summary>Formats a time the way the URL and the form's datetime-local inputs carry it (UTC).</summary>
    public static string? FormatTime(DateTimeOffset? time) => time?.UtcDateTime.ToString(
        time.Value.Second == 0 && time.Value.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss",
        CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 (no zone means UTC) or Unix milliseconds.</summary>
    public static DateTimeOffset? ParseTime(string? text)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }
        if (t.All(char.IsAsciiDigit) && t.Length >= 10 && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time.ToUniversalTime()
            : null;
    }

    private static string? Clean(string? value)
    {
        var t = value?.Trim();
        return string.IsNullOrEmpty(t) ? null : t;
    }

    private static void Add(StringBuilder sb, string name, string? value)
    {
        if (value is null)
        {
            return;
        }
        // "/", ":" and "@" may stay as they are in a query (RFC 3986); models and times read better.
        var escaped = Uri.EscapeDataString(value)
            .Replace("%2F", "/", StringComparison.Ordinal)
            .Replace("%3A", ":", StringComparison.Ordinal)
            .Replace("%40", "@", StringComparison.Ordinal);
        sb.Append(sb.Length == 0 ? '?' : '&').Append(name).Append('=').Append(escaped);
    }
}
