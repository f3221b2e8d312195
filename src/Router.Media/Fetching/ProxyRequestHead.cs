using System.Globalization;
using System.Text;

namespace OaiRouter.Media.Fetching;

/// <summary>A request head the <see cref="CheckingProxy"/> could not take; answered with <see cref="Status"/> and closed.</summary>
internal sealed class ProxyRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// The head of one request to the <see cref="CheckingProxy"/>: either <c>CONNECT host:port</c> (a tunnel) or a
/// plain-HTTP request in absolute form (<c>GET http://host/path HTTP/1.1</c>). Anything else is refused.
/// </summary>
/// <param name="Host">The target host, normalised by <see cref="HostVetter.Normalize"/>.</param>
/// <param name="Leftover">Bytes the client sent after the head (a body, or an eager TLS hello), to pass on first.</param>
internal sealed record ProxyRequestHead(
    bool IsConnect,
    string Host,
    int Port,
    string Method,
    Uri? Target,
    string Version,
    IReadOnlyList<(string Name, string Value)> Headers,
    ReadOnlyMemory<byte> Leftover)
{
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    // Hop-by-hop headers (RFC 9110 §7.6.1) and the ones this proxy sets itself.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authorization", "TE", "Upgrade",
    };

    /// <summary>
    /// Reads one head of at most <paramref name="maxBytes"/> bytes. Throws <see cref="ProxyRequestException"/>
    /// for a head that is too large, malformed or not a proxy request; <see cref="EndOfStreamException"/> when
    /// the client closed first.
    /// </summary>
    public static async Task<ProxyRequestHead> ReadAsync(Stream client, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes];
        var filled = 0;
        var end = -1;
        while (end < 0)
        {
            if (filled == buffer.Length)
            {
                throw new ProxyRequestException(431, "the request head is too large");
            }

            var read = await client.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("the client closed before sending a request head");
            }

            // Look again only where the new bytes could complete the terminator.
            var from = Math.Max(0, filled - (EndOfHead.Length - 1));
            filled += read;
            var at = buffer.AsSpan(from, filled - from).IndexOf(EndOfHead);
            end = at < 0 ? -1 : from + at;
        }

        // Latin-1 maps every byte to one char, so nothing malformed can turn into a separator.
        var text = Encoding.Latin1.GetString(buffer, 0, end);
        var leftover = buffer.AsMemory(end + EndOfHead.Length, filled - end - EndOfHead.Length);
        return Parse(text, leftover);
    }

    internal static ProxyRequestHead Parse(string head, ReadOnlyMemory<byte> leftover)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0)
        {
            throw new ProxyRequestException(400, "malformed request line");
        }

        var headers = new List<(string, string)>(lines.Length - 1);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(" \t"))
            {
                throw new ProxyRequestException(400, "malformed header line");
            }

            headers.Add((line[..colon], line[(colon + 1)..].Trim()));
        }

        var (method, target, version) = (parts[0], parts[1], parts[2]);
        if (method == "CONNECT")
        {
            var (host, port) = ParseAuthority(target);
            return new ProxyRequestHead(true, host, port, method, null, version, headers, leftover);
        }

        // Absolute form only: an origin-form request ("GET /path") was not meant for a proxy. https is tunnelled
        // with CONNECT, never sent here in the clear.
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.UserInfo.Length > 0 || uri.IdnHost.Length == 0)
        {
            throw new ProxyRequestException(400, "only CONNECT and absolute http:// requests are proxied");
        }

        return new ProxyRequestHead(false, HostVetter.Normalize(uri.IdnHost), uri.Port, method, uri, version, headers, leftover);
    }

    /// <summary>
    /// The head sent to the origin server: origin-form request line, the client's end-to-end headers, our Host
    /// and <c>Connection: close</c> — one request per upstream connection, so every request is vetted on its own.
    /// </summary>
    public byte[] OriginHead()
    {
        var target = Target ?? throw new InvalidOperationException("a CONNECT request has no origin head");
        var head = new StringBuilder(256)
            .Append(CultureInfo.InvariantCulture, $"{Method} {target.PathAndQuery} {Version}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {target.Authority}\r\n");
        foreach (var (name, value) in Headers)
        {
            if (!NotForwarded.Contains(name))
            {
                head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
            }
        }

        head.Append("Connection: close\r\n\r\n");
        return Encoding.Latin1.GetBytes(head.ToString());
    }

    private static (string Host, int Port) ParseAuthority(string authority)
    {
        var colon = authority.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            throw new ProxyRequestException(400, "CONNECT needs host:port");
        }

        var host = authority[..colon];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (host.AsSpan().ContainsAny("/@?#\\ \t") || (!bracketed && host.Contains(':')))
        {
            throw new ProxyRequestException(400, "CONNECT needs host:port");
        }

        // IdnHost turns an internationalised name into the ASCII form a resolver takes.
        if (!Uri.TryCreate($"http://{host}/", UriKind.Absolute, out var uri))
        {
            throw new ProxyRequestException(400, "CONNECT needs host:port");
        }

        return (HostVetter.Normalize(uri.IdnHost), port);
    }
}
