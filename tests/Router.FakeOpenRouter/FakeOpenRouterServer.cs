using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OaiRouter.FakeOpenRouter.Catalog;
using OaiRouter.FakeOpenRouter.Completions;
using OaiRouter.FakeOpenRouter.Generations;
using OaiRouter.FakeOpenRouter.Http;

namespace OaiRouter.FakeOpenRouter;

/// <summary>
/// A fake OpenRouter on a real Kestrel loopback port, speaking the wire in WIRE.md under <c>/api/v1</c>.
/// What it answers is chosen by the request's model string; see <c>Completions/FakeBehaviour.cs</c>.
/// </summary>
public sealed class FakeOpenRouterServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeState _state;

    private FakeOpenRouterServer(WebApplication app, FakeState state, Uri baseUrl)
    {
        _app = app;
        _state = state;
        BaseUrl = baseUrl;
    }

    /// <summary>The API root, e.g. <c>http://127.0.0.1:54321/api/v1</c> (no trailing slash).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Snapshot of the completion requests received (chat and legacy), in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _state.Requests;

    /// <summary>How many <c>GET /models</c> were served.</summary>
    public int ModelsCalls => _state.ModelsCalls;

    /// <summary>How many <c>GET /generation</c> were received.</summary>
    public int GenerationCalls => _state.GenerationCalls;

    /// <summary>Completion requests whose client went away while the fake was still waiting or writing.</summary>
    public int CancelledRequests => _state.CancelledRequests;

    /// <summary>Starts the fake on <c>http://127.0.0.1:{port}</c>; port 0 picks a free one.</summary>
    public static Task<FakeOpenRouterServer> StartAsync(int port = 0, CancellationToken ct = default) =>
        StartAsync(new FakeOpenRouterOptions { Port = port }, ct);

    internal static async Task<FakeOpenRouterServer> StartAsync(FakeOpenRouterOptions options, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeOpenRouterServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });

        // Ignore ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS from the environment: the fake binds loopback only.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.WebHost.UseSetting("http_ports", string.Empty);
        builder.WebHost.UseSetting("https_ports", string.Empty);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 512L * 1024 * 1024; // media tests send large base64 bodies
        });

        // The benchmark drives this hard; per-request logs would measure the console, not the router.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var state = new FakeState(options, TimeProvider.System);
        var app = builder.Build();
        state.Stopping = app.Lifetime.ApplicationStopping;
        var api = app.MapGroup("/api/v1");
        api.MapCompletions(state);
        api.MapModels(state);
        api.MapGenerations(state);
        app.MapFallback("{*path}", context =>
            OpenRouterErrors.WriteAsync(context, StatusCodes.Status404NotFound, "Not Found"));

        await app.StartAsync(ct);

        // After start, Urls holds the bound address, with the real port when 0 was asked for.
        var address = app.Urls.First();
        return new FakeOpenRouterServer(app, state, new Uri(address.TrimEnd('/') + "/api/v1"));
    }

    /// <summary>Waits until at least <paramref name="count"/> requests were cancelled; false if the timeout passed first.</summary>
    public Task<bool> WaitForCancelledAsync(int count, TimeSpan timeout) => _state.WaitForCancelledAsync(count, timeout);

    /// <summary>Completes when the host is asked to stop (Ctrl+C or SIGTERM in the exe).</summary>
    internal Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops Kestrel, aborting any stalled responses.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stopping.Token);
        }

        await _app.DisposeAsync();
    }
}
