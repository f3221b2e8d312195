using System.Net;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Video;

namespace OaiRouter.Media.Tests.Video;

public sealed class PageUrlGuardTests
{
    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://127.0.0.1:8080/watch", "loopback")]
    [InlineData("http://[::1]/watch", "loopback")]
    [InlineData("https://intranet.example.test/watch?v=1", "private network")]
    public async Task NonPublicAddress_IsRefused(string url, string reason)
    {
        var guard = new PageUrlGuard(new MediaOptions(), new FixedResolver(IPAddress.Parse("10.1.2.3")));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => guard.CheckAsync(url, CancellationToken.None));

        Assert.Equal(MediaFailure.Refused, failure.Code);
        Assert.Contains(reason, failure.Reason);
    }

    [Fact]
    public async Task HostWithOnePrivateAddressAmongPublicOnes_IsRefused()
    {
        var guard = new PageUrlGuard(new MediaOptions(), new FixedResolver(IPAddress.Parse("93.184.216.34"), IPAddress.Parse("192.168.1.10")));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => guard.CheckAsync("https://videos.example.test/v/1", CancellationToken.None));

        Assert.Equal(MediaFailure.Refused, failure.Code);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://videos.example.test/clip.mp4")]
    [InlineData("not a url")]
    public async Task NotHttp_IsRefused(string url)
    {
        var guard = new PageUrlGuard(new MediaOptions(), new FixedResolver(IPAddress.Parse("93.184.216.34")));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => guard.CheckAsync(url, CancellationToken.None));

        Assert.Equal(MediaFailure.Refused, failure.Code);
    }

    [Fact]
    public async Task PublicHost_Passes()
    {
        var guard = new PageUrlGuard(new MediaOptions(), new FixedResolver(IPAddress.Parse("93.184.216.34")));

        await guard.CheckAsync("https://videos.example.test/watch?v=1", CancellationToken.None);
    }

    [Fact]
    public async Task PrivateNetworksAllowed_Passes()
    {
        var guard = new PageUrlGuard(new MediaOptions { AllowPrivateNetworks = true }, new FixedResolver(IPAddress.Loopback));

        await guard.CheckAsync("http://127.0.0.1:8080/watch", CancellationToken.None);
    }

    [Fact]
    public async Task UnresolvableHost_IsFetchFailed()
    {
        var guard = new PageUrlGuard(new MediaOptions(), new FixedResolver());

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => guard.CheckAsync("https://nowhere.example.test/", CancellationToken.None));

        Assert.Equal(MediaFailure.FetchFailed, failure.Code);
    }

    private sealed class FixedResolver(params IPAddress[] addresses) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(addresses);
    }
}
