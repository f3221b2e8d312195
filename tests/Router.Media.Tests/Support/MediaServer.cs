using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OaiRouter.Media.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0) serving the media the tests fetch: images made with
/// SkiaSharp at start, corrupt and bomb files, oversized bodies with and without Content-Length, redirects,
/// a 404 and a slow answer. Counts every request it sees.
/// </summary>
public sealed class MediaServer : IAsyncDisposable
{
    /// <summary>Bytes of the oversized bodies: over the tests' image cap of 256 KiB.</summary>
    public const int OversizedBytes = 1024 * 1024;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Dictionary<string, (string ContentType, byte[] Bytes)> _files;

    private MediaServer(WebApplication app, Dictionary<string, (string, byte[])> files)
    {
        _app = app;
        _files = files;
    }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    /// <summary>Paths (with query) of every request received, in order.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public int RequestCount => _requests.Count;

    /// <summary>The bytes served at <paramref name="path"/>.</summary>
    public byte[] FileBytes(string path) => _files[path].Bytes;

    /// <summary>A URL on this server under a chosen host name (resolved by the test's resolver).</summary>
    public string Url(string path, string host = "127.0.0.1") => $"http://{host}:{Port}{path}";

    // Made once per test run: the files are read-only, and encoding them is the slow part of starting.
    private static readonly Lazy<Dictionary<string, (string, byte[])>> Files = new(() => new Dictionary<string, (string, byte[])>
        {
            ["/img/photo.png"] = ("image/png", TestImages.Png(800, 600)),
            ["/img/alpha.png"] = ("image/png", TestImages.PngWithAlpha(200, 100)),
            ["/img/large.png"] = ("image/png", TestImages.Png(1600, 800)),
            ["/img/photo.jpg"] = ("image/jpeg", TestImages.Jpeg(640, 480)),
            ["/img/rotated.jpg"] = ("image/jpeg", TestImages.JpegWithOrientation(200, 100, orientation: 6)),
            ["/img/photo.webp"] = ("image/webp", TestImages.Webp(320, 240)),
            ["/img/anim.gif"] = ("image/gif", TestImages.TwoFrameGif(40, 30)),
            ["/img/photo.bmp"] = ("image/bmp", TestImages.Bmp(64, 48)),
            ["/img/corrupt.png"] = ("image/png", TestImages.CorruptPng()),
            ["/img/garbage.jpg"] = ("image/jpeg", TestImages.Garbage(4096)),
            ["/img/bomb.png"] = ("image/png", TestImages.PngHeaderClaiming(30000, 30000)),
            ["/img/no-extension"] = ("application/octet-stream", TestImages.Png(120, 80)),
            ["/video/clip.mp4"] = ("video/mp4", TestImages.FakeMp4(64 * 1024)),
            ["/page/with-video"] = ("text/html", "<html><body><video src=\"/video/clip.mp4\"></video></body></html>"u8.ToArray()),
            ["/page/plain"] = ("text/html", "<html><body><p>Just text.</p></body></html>"u8.ToArray()),
        });

    public static async Task<MediaServer> StartAsync()
    {
        var files = Files.Value;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new MediaServer(app, files);

        app.Use(async (context, next) =>
        {
            server._requests.Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });

        foreach (var (path, (contentType, bytes)) in files)
        {
            app.MapGet(path, () => Results.Bytes(bytes, contentType));
        }

        app.MapGet("/big/with-length", (HttpContext context) =>
        {
            context.Response.ContentLength = OversizedBytes;
            return WriteZerosAsync(context, OversizedBytes);
        });
        app.MapGet("/big/chunked", (HttpContext context) => WriteZerosAsync(context, OversizedBytes));
        app.MapGet("/big/lying-length", async (HttpContext context) =>
        {
            // Starts like a small PNG, then keeps streaming without a Content-Length.
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(files["/img/photo.png"].Item2);
            await WriteZerosAsync(context, OversizedBytes);
        });
        app.MapGet("/redirect", (string to, int? status) =>
            Results.Redirect(to, permanent: status is 301 or 308, preserveMethod: status is 307 or 308));
        app.MapGet("/relative-redirect", () => Results.Redirect("/img/photo.png"));
        app.MapGet("/loop/{n:int}", (int n) => Results.Redirect($"/loop/{n + 1}"));
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            return Results.Bytes(files["/img/photo.png"].Item2, "image/png");
        });
        app.MapGet("/slow-body", async (HttpContext context) =>
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(files["/img/photo.png"].Item2.AsMemory(0, 100), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    private static async Task WriteZerosAsync(HttpContext context, int total)
    {
        var chunk = new byte[16 * 1024];
        for (var sent = 0; sent < total && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
        {
            try
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
