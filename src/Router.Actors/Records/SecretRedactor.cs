using System.Text.RegularExpressions;

namespace OaiRouter.Actors.Records;

/// <summary>
/// The one place secrets are taken out of anything recorded: the JSON log, the ledger and the UI
/// all pass text through it. Known secrets (the OpenRouter key, client keys) are replaced
/// wherever they appear; anything shaped like an OpenRouter or OpenAI key too.
/// </summary>
public sealed partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";
    private readonly string[] _secrets;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        // Longest first, so a key that contains another is masked whole.
        _secrets = [.. secrets.Where(s => !string.IsNullOrWhiteSpace(s) && s!.Length >= 4)
            .Select(s => s!).Distinct().OrderByDescending(s => s.Length)];
    }

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }
        // The regexes run only where a key could start: most bodies and log lines hold neither
        // marker, and a vectorised IndexOf is far cheaper than a regex scan over every position.
        if (text.Contains("sk-", StringComparison.Ordinal))
        {
            text = KeyShaped().Replace(text, Mask);
        }
        if (text.Contains("Bearer ", StringComparison.Ordinal))
        {
            text = BearerToken().Replace(text, "Bearer " + Mask);
        }
        return text;
    }

    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    /// <summary>sk-or-v1-…, sk-proj-…, sk-ant-… and other sk-… keys.</summary>
    [GeneratedRegex(@"sk-(?:or-v1-|or-|proj-|ant-)?[A-Za-z0-9_\-]{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShaped();

    /// <summary>The token of a "Bearer …" credential (the word itself stays, so the line still reads).</summary>
    [GeneratedRegex(@"Bearer [A-Za-z0-9_\-\.=]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex BearerToken();
}
