using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Media;
using OaiRouter.Actors.Models;
using OaiRouter.Actors.Records;
using OaiRouter.Actors.Requests;
using OaiRouter.FakeOpenRouter;
using OaiRouter.Media;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Images;
using OaiRouter.Media.Transcription;
using OaiRouter.Media.Video;
using SkiaSharp;

namespace OaiRouter.Actors.Tests.Media;

/// <summary>
/// The production actor registration with the media services in a real generic host, driven the way the HTTP
/// endpoint drives it: a request's media children fetch from a loopback server, the fake OpenRouter gets the result.
/// </summary>
public sealed class MediaRequestActorsTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oairouter-media-actors", Guid.NewGuid().ToString("N"));
    private readonly TaskCompletionSource _holdStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holdAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeOpenRouterServer _fake = null!;
    private WebApplication _images = null!;
    private string _imagesUrl = "";
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeOpenRouterServer.StartAsync();
        await StartImageServerAsync();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOptionsMonitor<OpenRouterOptions>>(new StaticOptions(new OpenRouterOptions
        {
            ApiKey = "sk-or-v1-media-actor-test-key",
            BaseUrl = _fake.BaseUrl.ToString(),
            VisionModel = "test/vision",
        }));
        services.AddSingleton(new HttpClient());
        services.AddSingleton<OpenRouterClient>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton(new SecretRedactor([]));
        services.AddSingleton(Options.Create(new RecordOptions()));
        services.AddSingleton<RequestRecorder>();

        var media = Options.Create(new MediaOptions
        {
            AllowPrivateNetworks = true,
            CacheDir = Path.Combine(_folder, "cache"),
            VideoWorkDir = Path.Combine(_folder, "work"),
        });
        services.AddSingleton(media);
        services.AddSingleton(_ => new SafeHttpFetcher(media));
        services.AddSingleton<ImageNormalizer>();
        services.AddSingleton(_ => new MediaCache(media));
        services.AddSingleton(sp => new ImagePipeline(sp.GetRequiredService<SafeHttpFetcher>(), sp.GetRequiredService<ImageNormalizer>(),
            sp.GetRequiredService<MediaCache>(), media));
        services.AddSingleton(sp => new MediaProbe(sp.GetRequiredService<SafeHttpFetcher>()));
        services.AddSingleton(_ => new WhisperTranscriber(media.Value));
        services.AddSingleton(sp => new VideoPipeline(media.Value, sp.GetRequiredService<WhisperTranscriber>(),
            (url, path, max, ct) => sp.GetRequiredService<SafeHttpFetcher>().FetchToFileAsync(url, path, max, ct)));
        services.AddSingleton<MediaServices>();
        services.AddAkka("media-actor-tests", (akka, provider) =>
            akka.AddHocon(RouterHocon.Load(), HoconAddMode.Prepend).AddRouterActors(provider));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _holdStarted.TrySetResult();
        await _host.StopAsync();
        _host.Dispose();
        await _images.StopAsync();
        await _images.DisposeAsync();
        await _fake.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Task<IActorRef> CoordinatorAsync() => _host.Services.GetRequiredService<ActorRegistry>().GetAsync<RequestCoordinatorActor>();

    private static CompletionRequest Request(string text, string model) => new(
        RequestId.New(), CompletionEndpoint.Chat,
        Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{text}}"}]}"""),
        model, false, false, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task ImageLink_IsFetchedByTheRequestsChildren_AndForwardedRewrittenToTheVisionModel()
    {
        var marker = Guid.NewGuid().ToString("N");
        var coordinator = await CoordinatorAsync();

        var ready = await coordinator.Ask<CompletionReady>(new HandleCompletion(
            Request($"{marker} {_imagesUrl}/img/a.png", "meta-llama/llama-3.1-8b-instruct"), CancellationToken.None), Bound);

        Assert.IsType<UpstreamAnswered>(ready.Result);
        var received = Assert.Single(_fake.Requests, r => r.Body.Contains(marker, StringComparison.Ordinal));
        Assert.Contains("\"model\":\"test/vision\"", received.Body);
        Assert.Contains("data:image/jpeg;base64,", received.Body);
    }

    [Fact]
    public async Task MediaFailure_IsTheAnswer_AndNothingIsForwarded()
    {
        var marker = Guid.NewGuid().ToString("N");
        var coordinator = await CoordinatorAsync();

        var ready = await coordinator.Ask<CompletionReady>(new HandleCompletion(
            Request($"{marker} {_imagesUrl}/missing.png", "openai/gpt-4o-mini"), CancellationToken.None), Bound);

        var failed = Assert.IsType<UpstreamFailed>(ready.Result);
        Assert.Equal(400, failed.Error.Status);
        Assert.Equal("media_fetch_failed", failed.Error.Code);
        Assert.Equal(0, failed.Attempts);
        Assert.DoesNotContain(_fake.Requests, r => r.Body.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ClientThatLeavesDuringMedia_StopsTheRequestActorAndItsDownload()
    {
        var request = Request($"{Guid.NewGuid():N} {_imagesUrl}/hold.png", "openai/gpt-4o-mini");
        var coordinator = await CoordinatorAsync();
        using var client = new CancellationTokenSource();

        var ask = coordinator.Ask<CompletionReady>(new HandleCompletion(request, client.Token), Bound, client.Token);
        await _holdStarted.Task.WaitAsync(Bound);
        var system = _host.Services.GetRequiredService<ActorSystem>();
        var requestActor = await system.ActorSelection($"/user/requests/{request.Id.Value}").ResolveOne(Bound);
        var stopped = requestActor.WatchAsync();
        await client.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        await _holdAborted.Task.WaitAsync(Bound);
        await stopped.WaitAsync(Bound);
    }

    private async Task StartImageServerAsync()
    {
        using var bitmap = new SKBitmap(64, 48);
        bitmap.Erase(SKColors.Green);
        using var image = SKImage.FromBitmap(bitmap);
        var png = image.Encode(SKEncodedImageFormat.Png, 100).ToArray();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _images = builder.Build();
        _images.MapGet("/img/{name}.png", () => Results.Bytes(png, "image/png"));
        _images.MapGet("/missing.png", () => Results.NotFound());
        _images.MapGet("/hold.png", async (HttpContext context) =>
        {
            // Under way (so the hang-up is noticed), then held until the router gives up.
            context.Response.ContentType = "image/png";
            context.Response.ContentLength = png.Length;
            try
            {
                await context.Response.Body.WriteAsync(png.AsMemory(0, 16), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                _holdStarted.TrySetResult();
                await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                _holdAborted.TrySetResult();
            }
        });
        await _images.StartAsync();
        _imagesUrl = _images.Urls.First().TrimEnd('/');
    }

    private sealed class StaticOptions(OpenRouterOptions value) : IOptionsMonitor<OpenRouterOptions>
    {
        public OpenRouterOptions CurrentValue => value;
        public OpenRouterOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<OpenRouterOptions, string?> listener) => null;
    }
}
