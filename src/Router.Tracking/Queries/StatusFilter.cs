using System.Globalization;

namespace OaiRouter.Tracking.Queries;

/// <summary>
/// The status filter as written in the URL: an exact code (<c>429</c>), a class (<c>4xx</c>),
/// <c>error</c> (failed, cancelled or any status from 400) or <c>pending</c> (not finished yet).
/// </summary>
public sealed record StatusFilter
{
    private StatusFilter(string text, int low, int high, StatusFilterKind kind)
    {
        Text = text;
        Low = low;
        High = high;
        Kind = kind;
    }

    /// <summary>The canonical text, as it goes back into the URL.</summary>
    public string Text { get; }

    internal int Low { get; }

    /// <summary>Exclusive.</summary>
    internal int High { get; }

    internal StatusFilterKind Kind { get; }

    /// <summary>Null when the text is none of the accepted forms.</summary>
    public static StatusFilter? Parse(string? text)
    {
        var t = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }
        if (t is "error" or "errors")
        {
            return new("error", 0, 0, StatusFilterKind.Error);
        }
        if (t is "pending")
        {
            return new("pending", 0, 0, StatusFilterKind.Pending);
        }
        if (t.Length == 3 && t.EndsWith("xx", StringComparison.Ordinal) && t[0] is >= '1' and <= '5')
        {
            var low = (t[0] - '0') * 100;
            return new(t, low, low + 100, StatusFilterKind.Range);
        }
        if (t.Length == 3 && int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code >= 100)
        {
            return new(t, code, code + 1, StatusFilterKind.Exact);
        }
        return null;
    }
}

internal enum StatusFilterKind
{
    /// <summary>One status code.</summary>
    Exact,
    /// <summary>A class such as 5xx.</summary>
    Range,
    /// <summary>Failed, cancelled, or answered with a status from 400.</summary>
    Error,
    /// <summary>Received but not finished.</summary>
    Pending,
}
