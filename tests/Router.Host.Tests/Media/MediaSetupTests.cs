using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OaiRouter.Host.Config;
using OaiRouter.Host.Tests.Support;
using OaiRouter.Media;

namespace OaiRouter.Host.Tests.Media;

/// <summary>The media settings: seed names onto <see cref="MediaOptions"/>, checked at start, and what start-up says.</summary>
public sealed class MediaSetupTests
{
    [Fact]
    public void SeedNames_LandOnTheMediaOptions()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MEDIA_ALLOW_PRIVATE_NETWORKS"] = "TRUE",
            ["MEDIA_MAX_IMAGE_BYTES"] = "1000",
            ["MEDIA_MAX_VIDEO_BYTES"] = "2000",
            ["MEDIA_IMAGE_MAX_SIDE"] = "512",
            ["MEDIA_MAX_IMAGE_PIXELS"] = "3000",
            ["MEDIA_IMAGE_JPEG_QUALITY"] = "70",
            ["MEDIA_FETCH_TIMEOUT_SECONDS"] = "4",
            ["MEDIA_MAX_REDIRECTS"] = "0",
            ["MEDIA_CACHE_DIR"] = "/tmp/c",
            ["MEDIA_CACHE_MAX_BYTES"] = "5000",
            ["MEDIA_MAX_VIDEO_SECONDS"] = "60",
            ["MEDIA_MAX_FRAMES"] = "6",
            ["MEDIA_MAX_ITEMS_PER_REQUEST"] = "3",
            ["WHISPER_MODEL_PATH"] = "/models/ggml-base.en.bin",
            ["WHISPER_LANGUAGE"] = "en",
            ["WHISPER_THREADS"] = "2",
            ["MEDIA_SCENE_THRESHOLD"] = "0.25",
            ["MEDIA_FRAME_MAX_SIDE"] = "320",
            ["MEDIA_FRAME_DUPLICATE_DISTANCE"] = "8",
            ["YTDLP_PATH"] = "/usr/local/bin/yt-dlp",
            ["FFMPEG_FOLDER"] = "/opt/ffmpeg",
            ["MEDIA_VIDEO_DOWNLOAD_TIMEOUT_SECONDS"] = "90",
            ["MEDIA_VIDEO_STAGE_TIMEOUT_SECONDS"] = "45",
            ["MEDIA_TRANSCRIBE_TIMEOUT_SECONDS"] = "300",
            ["MEDIA_VIDEO_WORK_DIR"] = "/tmp/w",
        }).Build();
        var o = new MediaOptions();

        SeedSettings.Apply(config, o);

        Assert.True(o.AllowPrivateNetworks);
        Assert.Equal((1000L, 2000L, 512, 3000L, 70), (o.MaxImageBytes, o.MaxVideoBytes, o.ImageMaxSide, o.MaxImagePixels, o.JpegQuality));
        Assert.Equal((4, 0, "/tmp/c", 5000L), (o.FetchTimeoutSeconds, o.MaxRedirects, o.CacheDir, o.CacheMaxBytes));
        Assert.Equal((60, 6, 3), (o.MaxVideoSeconds, o.MaxFrames, o.MaxItemsPerRequest));
        Assert.Equal(("/models/ggml-base.en.bin", "en", 2), (o.WhisperModelPath, o.WhisperLanguage, o.WhisperThreads));
        Assert.Equal((0.25, 320, 8), (o.SceneThreshold, o.FrameMaxSide, o.FrameDuplicateDistance));
        Assert.Equal(("/usr/local/bin/yt-dlp", "/opt/ffmpeg", "/tmp/w"), (o.YtDlpPath, o.FfmpegFolder, o.VideoWorkDir));
        Assert.Equal((90, 45, 300), (o.VideoDownloadTimeoutSeconds, o.VideoStageTimeoutSeconds, o.TranscribeTimeoutSeconds));
        Assert.All(config.AsEnumerable().Select(kv => kv.Key), name => Assert.Contains(name, SeedSettings.Names));
    }

    [Theory]
    [InlineData("MEDIA_MAX_FRAMES", "0")]
    [InlineData("MEDIA_MAX_IMAGE_BYTES", "lots")]
    [InlineData("MEDIA_SCENE_THRESHOLD", "2")]
    [InlineData("MEDIA_ALLOW_PRIVATE_NETWORKS", "maybe")]
    [InlineData("WHISPER_MODEL_PATH", "/nonexistent-oai/ggml-base.en.bin")]
    public async Task BadMediaSetting_StopsStartUpNamingIt(string name, string value)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestRouter.StartAsync(new Dictionary<string, string?> { [name] = value }));

        Assert.True(ex is OptionsValidationException or InvalidOperationException, ex.ToString());
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public async Task AFileThatIsNoModel_StopsStartUpNamingWhisperModelPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, new byte[4096]);
        try
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                TestRouter.StartAsync(new Dictionary<string, string?> { ["WHISPER_MODEL_PATH"] = path }));

            Assert.Contains("WHISPER_MODEL_PATH", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task WithoutAModel_StartUpSaysHowToInstallOne()
    {
        await using var router = await TestRouter.StartAsync();
        var log = Path.Combine(router.Directory, "router.log.json");

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        JsonElement? line = null;
        while (line is null)
        {
            await Task.Delay(50, bound.Token);
            if (!File.Exists(log))
            {
                continue;
            }
            await using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var text = await new StreamReader(stream).ReadToEndAsync(bound.Token);
            line = text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.Clone())
                .Cast<JsonElement?>()
                .FirstOrDefault(l => l!.Value.GetProperty("@mt").GetString()!.StartsWith("WHISPER_MODEL_PATH is not set", StringComparison.Ordinal));
        }

        var hint = line.Value.GetProperty("InstallHint").GetString();
        Assert.Contains("ggml-base.en.bin", hint);
        Assert.Contains("whisper.cpp", hint);
        Assert.Contains("set WHISPER_MODEL_PATH", hint);
    }
}
