using System.Text.RegularExpressions;

namespace OaiRouter.Media.Detection;

/// <summary>Finds bare http(s) URLs in free text, trimming the punctuation that ends sentences around them.</summary>
public static partial class TextUrlScanner
{
    // Stops at whitespace, quotes, angle brackets, backticks and square brackets, which end a URL
    // in prose and in Markdown ("[label](url)", "<url>", "`url`"), and at CJK commas and full stops.
    [GeneratedRegex(@"https?://[^\s<>""'`\[\]{}|\\^\u3001\u3002\uFF0C]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlPattern();

    /// <summary>The distinct URLs in <paramref name="text"/>, in order of first appearance.</summary>
    public static IReadOnlyList<string> FindUrls(string text)
    {
        if (string.IsNullOrEmpty(text) || text.IndexOf("http", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return [];
        }

        var found = new List<string>();
        foreach (Match match in UrlPattern().Matches(text))
        {
            var url = TrimTrailing(match.Value);
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                && uri.Host.Length > 0
                && !found.Contains(url, StringComparer.Ordinal))
            {
                found.Add(url);
            }
        }

        return found;
    }

    /// <summary>
    /// Drops sentence punctuation after a URL ("see https://x/a.png." → "https://x/a.png"), and a closing
    /// bracket only when it has no partner inside the URL, so "https://en.wikipedia.org/wiki/A_(b)" stays whole
    /// while "(https://x/a.png)" loses its ")".
    /// </summary>
    internal static string TrimTrailing(string url)
    {
        var end = url.Length;
        while (end > 0)
        {
            var c = url[end - 1];
            if (c is '.' or ',' or ';' or ':' or '!' or '?' or '*' or '\u2019' or '\u201D')
            {
                end--;
                continue;
            }

            if (c == ')' && Count(url, end, '(') < Count(url, end, ')'))
            {
                end--;
                continue;
            }

            break;
        }

        return url[..end];

        static int Count(string s, int end, char c)
        {
            var n = 0;
            for (var i = 0; i < end; i++)
            {
                if (s[i] == c)
                {
                    n++;
                }
            }

            return n;
        }
    }
}
