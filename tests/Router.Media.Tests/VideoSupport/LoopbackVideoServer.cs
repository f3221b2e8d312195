using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OaiRouter.Media.Tests.VideoSupport;

/// <summary>
/// A real Kestrel server on 127.0.0.1:0 for yt-dlp to download from: HTML pages with a <c>&lt;video&gt;</c> tag and
/// the clip behind them, sent with a Content-Length, chunked, endlessly (size cap), slowly (cancellation),
/// as text, or not at all (404); and pages that point or redirect elsewhere.
/// </summary>
internal sealed class LoopbackVideoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _clip;
    private readonly TaskCompletionSource _slowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slowAborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _requests;

    private LoopbackVideoServer(WebApplication app, byte[] clip)
    {
        _app = app;
        _clip = clip;
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Completes when the slow clip has sent its first bytes.</summary>
    public Task SlowStarted => _slowStarted.Task;

    /// <summary>Completes when the client of the slow clip went away.</summary>
    public Task SlowAborted => _slowAborted.Task;

    /// <summary>Requests the server has received.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The server's port, for URLs with a host name of the test's own resolver.</summary>
    public int Port => new Uri(BaseUrl).Port;

    public string Url(string path) => BaseUrl + path;

    public static async Task<LoopbackVideoServer> StartAsync(string clipPath)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LoopbackVideoServer(app, await File.ReadAllBytesAsync(clipPath));
        server.Map(app);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First().TrimEnd('/');
        return server;
    }

    private void Map(WebApplication app)
    {
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref _requests);
            return next(context);
        });

        foreach (var flavour in new[] { "length", "chunked", "endless", "slow" })
        {
            app.MapGet($"/{flavour}/page.html", () => Results.Content(
                $"<!DOCTYPE html><html><head><title>A clip</title></head><body><h1>A clip</h1>" +
                $"<video controls src=\"/{flavour}/clip.mp4\"></video></body></html>", "text/html"));
        }

        app.MapGet("/length/clip.mp4", () => Results.Bytes(_clip, "video/mp4"));
        app.MapGet("/chunked/clip.mp4", async (HttpContext context) =>
        {
            context.Response.ContentType = "video/mp4";
            // No Content-Length: Kestrel sends chunked transfer encoding.
            foreach (var chunk in _clip.Chunk(16 * 1024))
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        app.MapGet("/endless/clip.mp4", async (HttpContext context) =>
        {
            context.Response.ContentType = "video/mp4";
            var block = new byte[64 * 1024];
            try
            {
                await context.Response.Body.WriteAsync(_clip, context.RequestAborted);
                // Bounded so a broken test cannot fill the disk: 512 MB.
                for (var i = 0; i < 8192 && !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(block, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }
        });
        app.MapGet("/slow/clip.mp4", async (HttpContext context) =>
        {
            using var registration = context.RequestAborted.Register(() => _slowAborted.TrySetResult());
            context.Response.ContentType = "video/mp4";
            context.Response.ContentLength = _clip.Length;
            try
            {
                await context.Response.Body.WriteAsync(_clip.AsMemory(0, 64 * 1024), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                _slowStarted.TrySetResult();
                await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }
        });
        // Pages that lead elsewhere, for the proxy's checks: a video link to any URL, and a redirect to any URL.
        app.MapGet("/pointing/page.html", (string src) => Results.Content(
            "<!DOCTYPE html><html><head><title>A clip</title></head><body><h1>A clip</h1>" +
            $"<video controls src=\"{System.Net.WebUtility.HtmlEncode(src)}\"></video></body></html>", "text/html"));
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/notes.txt", () => Results.Text("These are notes, not a video.\n", "text/plain"));
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
