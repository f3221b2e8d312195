using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OaiRouter.Host.Config;

namespace OaiRouter.Host.Security;

/// <summary>
/// The client keys of <c>ROUTER_API_KEYS</c>, held as SHA-256 digests and compared in constant
/// time. Callers only ever see a key's label (<c>key-1</c>, …), never the key.
/// </summary>
internal sealed class ClientKeys
{
    private readonly byte[][] _digests;

    public ClientKeys(IOptions<RouterOptions> options)
    {
        _digests = [.. options.Value.ApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
    }

    public bool Required => _digests.Length > 0;

    /// <summary>The label of the matching key, or null. Every key is compared, so timing says nothing.</summary>
    public string? Match(ReadOnlySpan<char> presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(presented.ToArray());
        SHA256.HashData(bytes, digest);
        var found = -1;
        for (var i = 0; i < _digests.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, _digests[i]) && found < 0)
            {
                found = i;
            }
        }
        return found < 0 ? null : $"key-{found + 1}";
    }

    /// <summary>
    /// The label of the key presented as <c>Bearer &lt;key&gt;</c> or as the password of HTTP Basic
    /// (any user name: browsers prompt for it), or null.
    /// </summary>
    public string? MatchBearerOrBasic(string? header)
    {
        var bearer = BearerToken(header);
        if (!bearer.IsEmpty)
        {
            return Match(bearer);
        }
        const string basic = "Basic ";
        if (header is null || !header.StartsWith(basic, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[basic.Length..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon < 0 ? null : Match(decoded.AsSpan(colon + 1));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, if any.</summary>
    public static ReadOnlySpan<char> BearerToken(string? header)
    {
        const string prefix = "Bearer ";
        return header is not null && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? header.AsSpan(prefix.Length).Trim()
            : [];
    }
}
