using System.Net;
using OaiRouter.Media.Fetching;

namespace OaiRouter.Media.Tests.Fetching;

public sealed class NetworkPolicyTests
{
    public static TheoryData<string> RefusedAddresses => new()
    {
        "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255",
        "192.168.0.1", "192.168.255.255", "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.255",
        "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "198.18.0.1",
        "::", "::1", "fc00::1", "fd00::1", "fdff:ffff::1", "fe80::1", "febf::1", "ff02::1", "ff0e::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:192.168.1.1",
        "::127.0.0.1", "64:ff9b::a00:1", "2002:a00:1::", "2001:db8::1",
    };

    public static TheoryData<string> PublicAddresses => new()
    {
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
        "169.253.0.1", "192.169.0.1", "11.0.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    };

    [Theory]
    [MemberData(nameof(RefusedAddresses))]
    public void RefusalReason_NonPublic_Named(string address) =>
        Assert.NotNull(NetworkPolicy.RefusalReason(IPAddress.Parse(address)));

    [Theory]
    [MemberData(nameof(PublicAddresses))]
    public void RefusalReason_Public_Null(string address) =>
        Assert.Null(NetworkPolicy.RefusalReason(IPAddress.Parse(address)));
}
