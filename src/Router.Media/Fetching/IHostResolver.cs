using System.Net;

namespace OaiRouter.Media.Fetching;

/// <summary>Resolves a host name to its addresses; replaceable so tests can point names at chosen addresses.</summary>
public interface IHostResolver
{
    /// <summary>All addresses of <paramref name="host"/>; throws when the name does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver (DNS, hosts file).</summary>
public sealed class DnsHostResolver : IHostResolver
{
    /// <inheritdoc />
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
