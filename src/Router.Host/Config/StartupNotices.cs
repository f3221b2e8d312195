using Microsoft.Extensions.Options;
using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Host.Config;

/// <summary>Says loudly at start what an operator must know: no upstream key, an open API.</summary>
internal sealed class StartupNotices(
    IOptions<OpenRouterOptions> openRouter,
    IOptions<RouterOptions> router,
    IHostApplicationLifetime lifetime,
    ILogger<StartupNotices> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!openRouter.Value.HasApiKey)
        {
            log.LogWarning("OPENROUTER_API_KEY is not set: the router is up, but every /v1 call answers 503 until the key is set (in .env or the environment) and the router restarts.");
        }
        if (router.Value.ApiKeys.Count == 0)
        {
            log.LogWarning("ROUTER_API_KEYS is not set: THE API IS OPEN. Anyone who can reach this address can spend your OpenRouter credits.");
        }
        else
        {
            log.LogInformation("Client keys required on /v1: {KeyCount} configured", router.Value.ApiKeys.Count);
        }
        lifetime.ApplicationStarted.Register(() =>
            log.LogInformation("OaiRouter forwarding to {BaseUrl}; default model {DefaultModel}",
                openRouter.Value.BaseUrl, openRouter.Value.DefaultTextModel));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
