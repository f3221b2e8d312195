using System.Text;

namespace OaiRouter.Tracking.Queries;

/// <summary>
/// Turns what a person typed into an FTS5 MATCH expression that is always valid: every word
/// becomes a quoted phrase (quotes doubled inside), so FTS5 operators, column filters and stray
/// punctuation are taken literally. A trailing <c>*</c> keeps its meaning as a prefix search.
/// Words are ANDed.
/// </summary>
internal static class FtsQuery
{
    /// <summary>Null when nothing searchable is left (only punctuation, say).</summary>
    public static string? Build(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return null;
        }
        var sb = new StringBuilder();
        foreach (var word in input.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = word.EndsWith('*');
            var core = word.TrimEnd('*');
            // unicode61 only indexes letters and digits: a word without any matches nothing
            // useful and an empty phrase would be rejected.
            if (!core.Any(char.IsLetterOrDigit))
            {
                continue;
            }
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }
            sb.Append('"').Append(core.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            if (prefix)
            {
                sb.Append('*');
            }
        }
        return sb.Length == 0 ? null : sb.ToString();
    }
}
