using System.Net;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Models;

namespace OaiRouter.Host.Config;

internal static class UpstreamSetup
{
    /// <summary>
    /// One long-lived HttpClient to OpenRouter. No resilience handler: retries happen in
    /// <see cref="OpenRouterClient"/> only before a byte reached the client.
    /// </summary>
    public static WebApplicationBuilder AddRouterUpstream(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // picks up DNS changes
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
            EnableMultipleHttp2Connections = true,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // OpenRouterClient owns the timeouts
        });
        builder.Services.AddSingleton<OpenRouterClient>();
        builder.Services.AddSingleton<ModelCatalog>();
        return builder;
    }
}
