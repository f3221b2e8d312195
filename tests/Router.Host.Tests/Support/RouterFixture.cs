namespace OaiRouter.Host.Tests.Support;

/// <summary>One router + fake shared by a test class whose tests keep apart by unique model names.</summary>
public sealed class RouterFixture : IAsyncLifetime
{
    internal TestRouter Router { get; private set; } = null!;

    public async Task InitializeAsync() => Router = await TestRouter.StartAsync(new Dictionary<string, string?>
    {
        ["OPENROUTER_REFERER"] = "https://router.example",
        ["OPENROUTER_X_TITLE"] = "OaiRouter Tests",
    });

    public async Task DisposeAsync() => await Router.DisposeAsync();
}
