using System.Net;
using System.Net.Sockets;

namespace OaiRouter.Media.Fetching;

/// <summary>
/// Which addresses media may be fetched from. Only public unicast addresses are allowed unless
/// <c>MEDIA_ALLOW_PRIVATE_NETWORKS</c> is set: a client must not make the router reach its own network,
/// a cloud metadata service or the host itself.
/// </summary>
public static class NetworkPolicy
{
    private static readonly (IPAddress Network, int Prefix, string Name)[] RefusedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "\"this\" network"),
        (IPAddress.Parse("10.0.0.0"), 8, "private network"),
        (IPAddress.Parse("100.64.0.0"), 10, "carrier-grade NAT"),
        (IPAddress.Parse("127.0.0.0"), 8, "loopback"),
        (IPAddress.Parse("169.254.0.0"), 16, "link-local (cloud metadata)"),
        (IPAddress.Parse("172.16.0.0"), 12, "private network"),
        (IPAddress.Parse("192.0.0.0"), 24, "IETF protocol assignments"),
        (IPAddress.Parse("192.0.2.0"), 24, "documentation"),
        (IPAddress.Parse("192.88.99.0"), 24, "6to4 relay anycast"),
        (IPAddress.Parse("192.168.0.0"), 16, "private network"),
        (IPAddress.Parse("198.18.0.0"), 15, "benchmarking"),
        (IPAddress.Parse("198.51.100.0"), 24, "documentation"),
        (IPAddress.Parse("203.0.113.0"), 24, "documentation"),
        (IPAddress.Parse("224.0.0.0"), 4, "multicast"),
        (IPAddress.Parse("240.0.0.0"), 4, "reserved or broadcast"),
    ];

    private static readonly (IPAddress Network, int Prefix, string Name)[] RefusedV6 =
    [
        (IPAddress.Parse("::"), 128, "unspecified"),
        (IPAddress.Parse("::1"), 128, "loopback"),
        (IPAddress.Parse("100::"), 64, "discard-only"),
        (IPAddress.Parse("2001:db8::"), 32, "documentation"),
        (IPAddress.Parse("fc00::"), 7, "unique local (private network)"),
        (IPAddress.Parse("fe80::"), 10, "link-local"),
        (IPAddress.Parse("fec0::"), 10, "site-local"),
        (IPAddress.Parse("ff00::"), 8, "multicast"),
    ];

    /// <summary>
    /// Why <paramref name="address"/> must not be fetched from, or null when it is a public unicast address.
    /// IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.
    /// </summary>
    public static string? RefusalReason(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return RefusalReason(address.MapToIPv4());
            }

            var bytes = address.GetAddressBytes();
            if (EmbeddedIPv4(bytes) is { } embedded)
            {
                return RefusalReason(embedded);
            }

            foreach (var (network, prefix, name) in RefusedV6)
            {
                if (InPrefix(bytes, network.GetAddressBytes(), prefix))
                {
                    return name;
                }
            }

            return null;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            foreach (var (network, prefix, name) in RefusedV4)
            {
                if (InPrefix(bytes, network.GetAddressBytes(), prefix))
                {
                    return name;
                }
            }

            return null;
        }

        return "not an IP address";
    }

    /// <summary>True when <paramref name="address"/> is a public unicast address.</summary>
    public static bool IsPublic(IPAddress address) => RefusalReason(address) is null;

    private static IPAddress? EmbeddedIPv4(byte[] v6)
    {
        // IPv4-compatible ::a.b.c.d (deprecated, but still routed by some stacks); "::" and "::1" are handled as IPv6.
        if (v6.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !(v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && v6[15] <= 1))
        {
            return new IPAddress(v6.AsSpan(12, 4));
        }

        // NAT64 well-known prefix 64:ff9b::/96.
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(v6.AsSpan(12, 4));
        }

        // 6to4 2002:a.b.c.d::/48.
        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            return new IPAddress(v6.AsSpan(2, 4));
        }

        return null;
    }

    private static bool InPrefix(byte[] address, byte[] network, int prefix)
    {
        var fullBytes = prefix / 8;
        for (var i = 0; i < fullBytes; i++)
        {
            if (address[i] != network[i])
            {
                return false;
            }
        }

        var remainingBits = prefix % 8;
        if (remainingBits == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remainingBits));
        return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
}
