using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using OaiRouter.Media;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Images;
using SkiaSharp;
#if MEDIA_VIDEO
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Transcription;
using OaiRouter.Media.Video;
#endif

namespace OaiRouter.Bench;

/// <summary>Media timings; null fields mean the API was not there to time ("pending").</summary>
internal sealed record MediaResult(
    double? NormalizeMs,
    double? FetchNormalizeMs,
    double? ImageCachedMs,
    string ImageNote,
    double? VideoSecondsPerSecond,
    double? VideoCachedMs,
    string VideoNote);

/// <summary>
/// Times Router.Media directly: a 4000x3000 JPEG normalised to 1024 px (alone, and fetched over loopback through
/// <see cref="ImagePipeline"/> with its cache), and a 10 s 720p clip through the video pipeline without
/// transcription, cold and from the cache.
/// </summary>
internal static class MediaBench
{
    public static async Task<MediaResult> RunAsync(string workDir, int runs, TextWriter log)
    {
        var mediaDir = Path.Combine(workDir, "media");
        Directory.CreateDirectory(mediaDir);
        var cacheDir = Path.Combine(mediaDir, "cache-" + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture));
        var options = new MediaOptions
        {
            ImageMaxSide = 1024,
            AllowPrivateNetworks = true,
            CacheDir = cacheDir,
        };

        var jpegPath = Path.Combine(mediaDir, "photo-4000x3000.jpg");
        if (!File.Exists(jpegPath))
        {
            File.WriteAllBytes(jpegPath, MakeJpeg(4000, 3000));
        }

        var jpeg = File.ReadAllBytes(jpegPath);
        var clipPath = Path.Combine(mediaDir, "testsrc-10s-720p.mp4");
        var clipNote = MakeClip(clipPath, log);

        using var server = new FileServer(new Dictionary<string, (string, byte[])>
        {
            ["/photo.jpg"] = ("image/jpeg", jpeg),
            ["/clip.mp4"] = ("video/mp4", File.Exists(clipPath) ? File.ReadAllBytes(clipPath) : []),
        });

        try
        {
            // Image: the normaliser alone (warm: one untimed call first), then the pipeline on a miss and a hit.
            var normalizer = new ImageNormalizer(Options.Create(options));
            var first = normalizer.Normalize(jpeg, "bench.jpg");
            log.WriteLine($"  image: {jpeg.Length:N0} B 4000x3000 JPEG -> {first.Width}x{first.Height} {first.MediaType} {first.Bytes.Length:N0} B");
            var normalize = Time(runs, () => normalizer.Normalize(jpeg, "bench.jpg"));

            using var fetcher = new SafeHttpFetcher(Options.Create(options));
            var cache = new MediaCache(Options.Create(options));
            cache.Load();
            var pipeline = new ImagePipeline(fetcher, normalizer, cache, Options.Create(options));
            var n = 0;
            var miss = await TimeAsync(runs, async () =>
            {
                var image = await pipeline.GetAsync($"{server.BaseUrl}/photo.jpg?n={n++}", CancellationToken.None);
                if (image.FromCache)
                {
                    throw new InvalidOperationException("expected a cache miss");
                }
            });
            var cachedUrl = $"{server.BaseUrl}/photo.jpg?n=0";
            var hit = await TimeAsync(Math.Max(runs, 5), async () =>
            {
                var image = await pipeline.GetAsync(cachedUrl, CancellationToken.None);
                if (!image.FromCache)
                {
                    throw new InvalidOperationException("expected a cache hit");
                }
            });

            var (videoPerSecond, videoCached, videoNote) = clipNote is null
                ? await VideoAsync(options, fetcher, cache, $"{server.BaseUrl}/clip.mp4", runs, log)
                : ((double?)null, (double?)null, clipNote);
            return new MediaResult(normalize, miss, hit, "", videoPerSecond, videoCached, videoNote);
        }
        finally
        {
            try
            {
                Directory.Delete(cacheDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

#if MEDIA_VIDEO
    private static async Task<(double?, double?, string)> VideoAsync(MediaOptions options, SafeHttpFetcher fetcher, MediaCache cache,
        string url, int runs, TextWriter log)
    {
        options.VideoWorkDir = Path.Combine(options.CacheDir, "video-work");
        options.WhisperModelPath = null;
        using var transcriber = new WhisperTranscriber(options);
        var pipeline = new VideoPipeline(options, transcriber,
            (u, path, max, token) => fetcher.FetchToFileAsync(u, path, max, token));
        var perSecond = new List<double>();
        VideoDigest? digest = null;
        for (var i = 0; i < Math.Max(1, runs - 1); i++)
        {
            var clock = Stopwatch.StartNew();
            digest = await pipeline.ProcessAsync($"{url}?n={i}", MediaKind.Video, CancellationToken.None);
            perSecond.Add(clock.Elapsed.TotalSeconds / digest.Duration.TotalSeconds);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  video: {digest.Duration.TotalSeconds:F1} s, {digest.Frames.Count} frames, {clock.Elapsed.TotalMilliseconds:F0} ms; stages ms: {string.Join(", ", digest.StageMilliseconds.Select(s => $"{s.Key} {s.Value:F0}"))}"));
        }

        var key = MediaCache.VideoKey(url + "?n=0", options.VideoFingerprint);
        await cache.PutDigestAsync(key, digest!);
        var cached = await TimeAsync(5, async () =>
        {
            var found = await cache.TryGetDigestAsync(key);
            if (found is null)
            {
                throw new InvalidOperationException("expected a cached digest");
            }
        });
        return (Stats.Median(perSecond), cached, "transcription excluded (no Whisper model)");
    }
#else
    private static Task<(double?, double?, string)> VideoAsync(MediaOptions options, SafeHttpFetcher fetcher, MediaCache cache,
        string url, int runs, TextWriter log) =>
        Task.FromResult<(double?, double?, string)>((null, null, "pending: Router.Media has no VideoPipeline yet"));
#endif

    /// <summary>A photo-like picture (gradients, shapes, noise) so JPEG has real work to do.</summary>
    private static byte[] MakeJpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var gradient = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColors.DarkSlateBlue, SKColors.Orange, SKColors.SeaGreen], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = gradient };
            canvas.DrawRect(0, 0, width, height, paint);
            var random = new Random(42);
            using var shape = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 400; i++)
            {
                shape.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 160);
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(10, 300), shape);
            }
        }

        var pixels = bitmap.GetPixelSpan().ToArray();
        var noise = new Random(7);
        for (var i = 0; i < pixels.Length; i += 4)
        {
            var d = noise.Next(-12, 13);
            pixels[i] = (byte)Math.Clamp(pixels[i] + d, 0, 255);
            pixels[i + 1] = (byte)Math.Clamp(pixels[i + 1] + d, 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(pixels[i + 2] + d, 0, 255);
        }

        using var noisy = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, noisy.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(noisy);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>A 10 s 1280x720 clip with a tone, from ffmpeg's test source; null when made, else why not.</summary>
    private static string? MakeClip(string path, TextWriter log)
    {
        if (File.Exists(path))
        {
            return null;
        }

        var info = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in "-hide_banner -loglevel error -y -f lavfi -i testsrc=duration=10:size=1280x720:rate=30 -f lavfi -i sine=frequency=440:duration=10 -shortest -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac".Split(' '))
        {
            info.ArgumentList.Add(a);
        }

        info.ArgumentList.Add(path);
        try
        {
            using var process = Process.Start(info)!;
            var err = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                log.WriteLine("  ffmpeg failed: " + err);
                return "ffmpeg could not make the test clip";
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "ffmpeg is not installed";
        }

        return null;
    }

    private static double Time(int runs, Action action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return Stats.Median(times);
    }

    private static async Task<double> TimeAsync(int runs, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return Stats.Median(times);
    }

    /// <summary>Serves fixed bytes on loopback, the way a media host would.</summary>
    private sealed class FileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public FileServer(IReadOnlyDictionary<string, (string Type, byte[] Bytes)> files)
        {
            var port = Child.FreePort();
            BaseUrl = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(BaseUrl + "/");
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                    {
                        return;
                    }

                    _ = Task.Run(async () =>
                    {
                        using var response = context.Response;
                        if (files.TryGetValue(context.Request.Url!.AbsolutePath, out var file))
                        {
                            response.ContentType = file.Type;
                            response.ContentLength64 = file.Bytes.Length;
                            try
                            {
                                await response.OutputStream.WriteAsync(file.Bytes);
                            }
                            catch (HttpListenerException)
                            {
                            }
                        }
                        else
                        {
                            response.StatusCode = 404;
                        }
                    });
                }
            });
        }

        public string BaseUrl { get; }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
    }
}
