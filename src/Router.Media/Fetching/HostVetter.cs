using System.Net;
using System.Net.Sockets;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Fetching;

/// <summary>What checking one host found: the addresses that may be connected to, or why none may.</summary>
/// <param name="Host">The host as checked (lower case, no IPv6 brackets).</param>
/// <param name="Addresses">Every address of the host; empty when it did not resolve.</param>
/// <param name="Refusal">Why the host is refused by <see cref="NetworkPolicy"/>, naming the host and address; null when allowed.</param>
/// <param name="Unresolved">Why the host has no address; null when it resolved.</param>
internal sealed record HostVerdict(string Host, IPAddress[] Addresses, string? Refusal, string? Unresolved)
{
    /// <summary>True when the host resolved and every address passed the policy.</summary>
    public bool Allowed => Refusal is null && Unresolved is null;
}

/// <summary>
/// The one place where a host is resolved and judged by <see cref="NetworkPolicy"/> (or let through when
/// <c>MEDIA_ALLOW_PRIVATE_NETWORKS</c> is set), and where sockets are connected to the addresses that were judged,
/// never to a second lookup. Shared by <see cref="SafeHttpFetcher"/> and <see cref="CheckingProxy"/> so that both
/// refuse the same addresses with the same words.
/// </summary>
/// <param name="refusalReason">Replaces <see cref="NetworkPolicy.RefusalReason"/> (tests: treat loopback as "public").</param>
/// <param name="onConnect">Sees every endpoint a socket is about to connect to (tests: prove nothing was connected).</param>
internal sealed class HostVetter(
    bool allowPrivateNetworks,
    IHostResolver resolver,
    Func<IPAddress, string?>? refusalReason = null,
    Action<IPEndPoint>? onConnect = null)
{
    private readonly Func<IPAddress, string?> _refusalReason = refusalReason ?? NetworkPolicy.RefusalReason;

    /// <summary>
    /// Vets the host of a link a client sent: http and https only, then <see cref="VetAsync"/>.
    /// Throws the <see cref="MediaFailure"/> the client is answered with when the link is refused
    /// (<see cref="MediaFailure.Refused"/>) or its host does not resolve (<see cref="MediaFailure.FetchFailed"/>).
    /// </summary>
    public async Task<HostVerdict> VetUrlAsync(string url, Uri uri, CancellationToken cancellationToken)
    {
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new MediaFailure(MediaFailure.Refused, url, $"only http and https links are fetched, not {uri.Scheme}:");
        }
        var verdict = await VetAsync(uri.IdnHost, cancellationToken).ConfigureAwait(false);
        if (verdict.Unresolved is { } unresolved)
        {
            throw new MediaFailure(MediaFailure.FetchFailed, url, unresolved);
        }
        return verdict.Refusal is { } refusal ? throw new MediaFailure(MediaFailure.Refused, url, refusal) : verdict;
    }

    /// <summary>Resolves <paramref name="host"/> (an IP literal is taken as it is) and judges every address.</summary>
    public async Task<HostVerdict> VetAsync(string host, CancellationToken cancellationToken)
    {
        host = Normalize(host);
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ArgumentException)
            {
                return new HostVerdict(host, [], null, $"the host {host} could not be resolved");
            }

            if (addresses.Length == 0)
            {
                return new HostVerdict(host, [], null, $"the host {host} has no address");
            }
        }

        if (!allowPrivateNetworks)
        {
            // Every address must pass: a name that also resolves to a private address is refused
            // rather than trusted on the public one.
            foreach (var address in addresses)
            {
                if (_refusalReason(address) is { } reason)
                {
                    var refusal = host == address.ToString()
                        ? $"{address} is a {reason} address"
                        : $"{host} resolves to {address}, a {reason} address";
                    return new HostVerdict(host, addresses, refusal, null);
                }
            }
        }

        return new HostVerdict(host, addresses, null, null);
    }

    /// <summary>Connects to the first reachable address of an allowed <paramref name="verdict"/>, in order.</summary>
    /// <exception cref="SocketException">No address accepted the connection.</exception>
    public async Task<Socket> ConnectAsync(HostVerdict verdict, int port, CancellationToken cancellationToken)
    {
        if (!verdict.Allowed)
        {
            throw new InvalidOperationException($"{verdict.Host} was not allowed: {verdict.Refusal ?? verdict.Unresolved}");
        }

        SocketException? last = null;
        foreach (var address in verdict.Addresses)
        {
            var endpoint = new IPEndPoint(address, port);
            onConnect?.Invoke(endpoint);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostUnreachable);
    }

    /// <summary>Host names compare case-insensitively; IPv6 literals come in brackets from URLs.</summary>
    public static string Normalize(string host) => host.Trim('[', ']').ToLowerInvariant();
}
