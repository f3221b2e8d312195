using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace OaiRouter.Actors.Records;

/// <summary>
/// A body as the record keeps it: base64 <c>data:</c> URLs become a short reference (media type,
/// size, sha256) and anything past the cap is cut with a marker. Secrets go through
/// <see cref="SecretRedactor"/> first.
/// </summary>
public static partial class RecordedBody
{
    public const string TruncatedMarker = "…[truncated by OaiRouter: {0} bytes in all]";

    public static string Prepare(ReadOnlySpan<byte> utf8, SecretRedactor redactor, int capBytes) =>
        Prepare(Encoding.UTF8.GetString(utf8), redactor, capBytes);

    public static string Prepare(string text, SecretRedactor redactor, int capBytes)
    {
        var withoutMedia = text.Contains("data:", StringComparison.Ordinal) ? DataUrl().Replace(text, Reference) : text;
        var redacted = redactor.Redact(withoutMedia);
        if (Encoding.UTF8.GetByteCount(redacted) <= capBytes)
        {
            return redacted;
        }
        var total = Encoding.UTF8.GetByteCount(redacted);
        var cut = redacted[..Math.Min(redacted.Length, capBytes)];
        return cut + string.Format(System.Globalization.CultureInfo.InvariantCulture, TruncatedMarker, total);
    }

    private static string Reference(Match m)
    {
        var mediaType = m.Groups["type"].Value;
        var payload = m.Groups["data"].Value;
        int size;
        string sha;
        try
        {
            var bytes = Convert.FromBase64String(payload);
            size = bytes.Length;
            sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }
        catch (FormatException)
        {
            size = payload.Length;
            sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(payload)));
        }
        return $"data:{mediaType};sha256={sha};bytes={size};base64-omitted";
    }

    [GeneratedRegex(@"data:(?<type>[A-Za-z0-9.+\-]+/[A-Za-z0-9.+\-]+)(;[A-Za-z0-9=\-]+)*;base64,(?<data>[A-Za-z0-9+/=]{16,})", RegexOptions.CultureInvariant)]
    private static partial Regex DataUrl();
}
