namespace OaiRouter.Media.Tests.Support;

/// <summary>One loopback media server per test class; tests tell their requests apart by path or a marker in the query.</summary>
public sealed class MediaServerFixture : IAsyncLifetime
{
    public MediaServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await MediaServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
