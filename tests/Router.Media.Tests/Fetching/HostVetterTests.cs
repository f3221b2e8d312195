using System.Net;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Tests.Support;

namespace OaiRouter.Media.Tests.Fetching;

public sealed class HostVetterTests
{
    [Fact]
    public async Task NameWithOnePrivateAddress_IsRefusedNamingHostAndAddress()
    {
        var vetter = new HostVetter(false, StaticResolver.Of(("mixed.test", "93.184.216.34"), ("mixed.test", "10.0.0.1")));

        var verdict = await vetter.VetAsync("Mixed.Test", CancellationToken.None);

        Assert.False(verdict.Allowed);
        Assert.Equal("mixed.test resolves to 10.0.0.1, a private network address", verdict.Refusal);
    }

    [Fact]
    public async Task PrivateNetworksAllowed_LetsLoopbackThrough()
    {
        var verdict = await new HostVetter(true, StaticResolver.Of()).VetAsync("[::1]", CancellationToken.None);

        Assert.True(verdict.Allowed);
        Assert.Equal(IPAddress.IPv6Loopback, Assert.Single(verdict.Addresses));
    }

    [Fact]
    public async Task UnknownName_IsUnresolvedNotRefused()
    {
        var verdict = await new HostVetter(false, StaticResolver.Of()).VetAsync("nowhere.test", CancellationToken.None);

        Assert.Null(verdict.Refusal);
        Assert.Equal("the host nowhere.test could not be resolved", verdict.Unresolved);
    }

    [Fact]
    public async Task Connect_RefusedVerdict_NeverConnects()
    {
        var connects = new ConnectLog();
        var vetter = new HostVetter(false, StaticResolver.Of(("metadata.test", "169.254.169.254")), onConnect: connects.Record);
        var verdict = await vetter.VetAsync("metadata.test", CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => vetter.ConnectAsync(verdict, 80, CancellationToken.None));

        Assert.Empty(connects.Endpoints);
    }
}
