using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace OaiRouter.Host.Tests.Media;

/// <summary>
/// The links the media tests send, served by a real Kestrel on 127.0.0.1:0: images drawn with SkiaSharp, a clip
/// made with ffmpeg (testsrc scene cuts) over espeak-ng speech, served directly and behind <c>/watch/{name}.html</c>
/// video pages, and <c>/hold/{name}</c> images that answer only when the test releases them (or the router hangs
/// up, which the server notes). Counts every request per path.
/// </summary>
internal sealed class MediaFilesServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Hold> _holds = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _releaseAll = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MediaFilesServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public string Url(string path) => BaseUrl + path;

    /// <summary>How many requests reached <paramref name="path"/>.</summary>
    public int Hits(string path) => _hits.GetValueOrDefault(path);

    /// <summary>The hold named <paramref name="name"/> (<c>/hold/{name}.png</c>).</summary>
    public Hold HoldOf(string name) => _holds.GetOrAdd(name, _ => new Hold());

    /// <summary>Lets every held request answer (with the PNG).</summary>
    public void ReleaseHolds() => _releaseAll.TrySetResult();

    public static async Task<MediaFilesServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new MediaFilesServer(app);
        var png = Png(800, 600);
        var clip = await TestClip.Value;

        app.Use(async (context, next) =>
        {
            server._hits.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            await next(context);
        });
        app.MapGet("/img/{name}.png", () => Results.Bytes(png, "image/png"));
        app.MapGet("/img/missing/{name}.png", () => Results.NotFound());
        // No extension and a generic type: only the bytes say it is an image.
        app.MapGet("/blob/{name}", () => Results.Bytes(png, "application/octet-stream"));
        app.MapGet("/page/{name}", () => Results.Content("<html><body><p>Just a page.</p></body></html>", "text/html"));
        app.MapGet("/video/{name}.mp4", () => Results.Bytes(clip, "video/mp4"));
        // A video page as yt-dlp's generic extractor reads it: the clip is reachable only through the <video> tag.
        app.MapGet("/watch/{name}.html", (string name) => Results.Content(
            "<!DOCTYPE html><html><head><title>A clip</title></head><body><h1>A clip</h1>" +
            $"<video controls src=\"/watch/{name}/clip.mp4\"></video></body></html>", "text/html"));
        app.MapGet("/watch/{name}/clip.mp4", () => Results.Bytes(clip, "video/mp4"));
        app.MapGet("/hold/{name}.png", async (string name, HttpContext context) =>
        {
            var hold = server.HoldOf(name);
            using var aborted = context.RequestAborted.Register(() => hold.Aborted.TrySetResult());
            context.Response.ContentType = "image/png";
            context.Response.ContentLength = png.Length;
            try
            {
                // The response is under way (Kestrel notices a peer that hangs up on a response it is sending), then
                // the rest waits for the test.
                await context.Response.Body.WriteAsync(png.AsMemory(0, 64), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                hold.Started.TrySetResult();
                await server._releaseAll.Task.WaitAsync(context.RequestAborted);
                await context.Response.Body.WriteAsync(png.AsMemory(64), context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                hold.Aborted.TrySetResult();
            }
        });

        await app.StartAsync();
        server.BaseUrl = app.Urls.First().TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHolds();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    /// <summary>An 800x600 PNG: left half red, right half blue.</summary>
    public static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var red = new SKPaint { Color = SKColors.Red };
            using var blue = new SKPaint { Color = SKColors.Blue };
            canvas.DrawRect(new SKRect(0, 0, width / 2f, height), red);
            canvas.DrawRect(new SKRect(width / 2f, 0, width, height), blue);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Made once per test run: three hard-cut 2 s scenes (testsrc, smptebars, red) with spoken English.</summary>
    private static readonly Lazy<Task<byte[]>> TestClip = new(MakeClipAsync);

    private static async Task<byte[]> MakeClipAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "oairouter-host-media", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var speech = Path.Combine(folder, "speech.wav");
            var clip = Path.Combine(folder, "clip.mp4");
            await RunAsync("espeak-ng", "-w", speech, "Hello. This is a test of the router's video path.");
            await RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
                "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=2",
                "-f", "lavfi", "-i", "color=c=red:size=320x240:rate=25:duration=2",
                "-i", speech,
                "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v];[3:a]apad[a]",
                "-map", "[v]", "-map", "[a]", "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", clip);
            return await File.ReadAllBytesAsync(clip);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(bound.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {await stderr}");
        }
    }

    /// <summary>One held link: when the router's request reached it, and when the router hung up.</summary>
    public sealed class Hold
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
