using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace OaiRouter.Tracking.Queries;

/// <summary>
/// A keyset position: the sort value and seq of the row a page starts after (or ends before).
/// Travels in the URL as an opaque base64url token that also names its sort, so a token from
/// another sort is ignored instead of giving a wrong page.
/// </summary>
internal sealed record PageCursor(SortColumn Sort, object Value, long Seq)
{
    public string Encode()
    {
        var value = Value switch
        {
            long l => "i" + l.ToString(CultureInfo.InvariantCulture),
            double d => "r" + d.ToString("R", CultureInfo.InvariantCulture),
            string s => "s" + s,
            _ => throw new InvalidOperationException("Unsupported cursor value."),
        };
        var text = $"{SortKey.For(Sort).UrlName}|{Seq.ToString(CultureInfo.InvariantCulture)}|{value}";
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    public static PageCursor? Decode(string? token, SortColumn expected)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return null;
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = text.Split('|', 3);
        if (parts.Length != 3 || parts[2].Length == 0
            || !SortKey.TryParse(parts[0], out var sort) || sort != expected
            || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq))
        {
            return null;
        }
        var kind = SortKey.For(sort).Kind;
        var raw = parts[2][1..];
        object? value = (parts[2][0], kind) switch
        {
            ('i', SortValueKind.Integer) when long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
            ('r', SortValueKind.Real) when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
            ('s', SortValueKind.Text) => raw,
            _ => null,
        };
        return value is null ? null : new PageCursor(sort, value, seq);
    }
}
