using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OaiRouter.Tracking.Ui;

/// <summary>
/// Decides who may see the UI. Keys are held as SHA-256 digests and every digest is compared in
/// constant time, so neither a key's content nor which key matched leaks through timing.
/// </summary>
internal sealed class TrackingAccess
{
    private readonly byte[][] _digests;
    private readonly Func<HttpContext, bool>? _authorize;

    public TrackingAccess(TrackingUiOptions options)
    {
        _digests = [.. options.ApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
        _authorize = options.Authorize;
    }

    /// <summary>False when anyone may look.</summary>
    public bool Required => _digests.Length > 0 || _authorize is not null;

    public bool IsAllowed(HttpContext context)
    {
        if (!Required)
        {
            return true;
        }
        var presented = PresentedKey(context.Request.Headers.Authorization.ToString());
        if (presented is not null && Matches(presented))
        {
            return true;
        }
        return _authorize?.Invoke(context) ?? false;
    }

    private bool Matches(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var found = false;
        foreach (var known in _digests)
        {
            // No early exit: the time taken does not depend on which key matched.
            found |= CryptographicOperations.FixedTimeEquals(digest, known);
        }
        return found;
    }

    /// <summary>The key of a Bearer header, or the password of a Basic one; null for anything else.</summary>
    internal static string? PresentedKey(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        var value = header.Trim();
        var space = value.IndexOf(' ');
        if (space <= 0)
        {
            return null;
        }
        var scheme = value[..space];
        var credentials = value[(space + 1)..].Trim();
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return credentials.Length == 0 ? null : credentials;
        }
        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(credentials));
        }
        catch (FormatException)
        {
            return null;
        }
        var colon = decoded.IndexOf(':');
        return colon < 0 || colon == decoded.Length - 1 ? null : decoded[(colon + 1)..];
    }
}
