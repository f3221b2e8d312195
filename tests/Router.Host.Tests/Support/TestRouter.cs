using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using OaiRouter.FakeOpenRouter;

namespace OaiRouter.Host.Tests.Support;

/// <summary>The real router on Kestrel at 127.0.0.1:0, talking to a fake OpenRouter on another loopback port.</summary>
internal sealed class TestRouter : IAsyncDisposable
{
    public const string UpstreamKey = "sk-or-v1-test-upstream-key-0000-fake";

    private readonly bool _ownsFake;

    private TestRouter(WebApplication app, FakeOpenRouterServer fake, bool ownsFake, string directory)
    {
        App = app;
        Fake = fake;
        _ownsFake = ownsFake;
        Directory = directory;
        BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/");
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public FakeOpenRouterServer Fake { get; }
    public Uri BaseUrl { get; }
    public Uri V1 => new(BaseUrl, "v1");
    public HttpClient Http { get; }
    public string Directory { get; }

    public static async Task<TestRouter> StartAsync(IDictionary<string, string?>? settings = null, FakeOpenRouterServer? fake = null)
    {
        var ownsFake = fake is null;
        fake ??= await FakeOpenRouterServer.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "oai-router-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["OPENROUTER_BASE_URL"] = fake.BaseUrl.ToString(),
            ["OPENROUTER_API_KEY"] = UpstreamKey,
            ["LOG_FILE_PATH"] = Path.Combine(directory, "router.log.json"),
            ["DATABASE_URL"] = "sqlite:///" + Path.Combine(directory, "oai_router.db"),
            ["OpenRouter:RetryBaseDelaySeconds"] = "0.01",
            ["CONSOLE_LOG_LEVEL"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }
        var app = RouterApp.Build([], overrides);
        await app.StartAsync();
        return new TestRouter(app, fake, ownsFake, directory);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? bearer = null, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path.TrimStart('/'))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>Requests the fake received for one model (tests use unique model names to stay apart).</summary>
    public IReadOnlyList<ReceivedRequest> UpstreamRequestsFor(string model) =>
        [.. Fake.Requests.Where(r => r.Body.Contains($"\"{model}\"", StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await App.StopAsync(stop.Token);
        }
        await App.DisposeAsync();
        if (_ownsFake)
        {
            await Fake.DisposeAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still held by a closing sink; the temp folder is cleaned by the OS.
        }
    }
}
