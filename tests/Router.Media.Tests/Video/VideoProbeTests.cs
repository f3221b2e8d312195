using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.VideoSupport;
using OaiRouter.Media.Video;

namespace OaiRouter.Media.Tests.Video;

public sealed class VideoProbeTests
{
    private const string Url = "https://example.test/clip.mp4";

    [Fact]
    public async Task Clip_ReportsDurationSizeAndAudio()
    {
        using var folder = new TempFolder();
        var probe = new VideoProbe(TestOptions.Video(folder));

        var info = await probe.ProbeAsync(await TestClips.ScenesWithSpeech, Url, CancellationToken.None);

        Assert.InRange(info.Duration.TotalSeconds, 5.9, 6.1);
        Assert.Equal(320, info.Width);
        Assert.Equal(240, info.Height);
        Assert.InRange(info.FrameRate, 24.9, 25.1);
        Assert.True(info.HasAudio);
    }

    [Fact]
    public async Task ClipWithoutAudio_SaysSo()
    {
        using var folder = new TempFolder();
        var probe = new VideoProbe(TestOptions.Video(folder));

        var info = await probe.ProbeAsync(await TestClips.Static, Url, CancellationToken.None);

        Assert.False(info.HasAudio);
    }

    [Fact]
    public async Task LongerThanAllowed_IsTooLong()
    {
        using var folder = new TempFolder();
        var probe = new VideoProbe(TestOptions.Video(folder, o => o.MaxVideoSeconds = 5));

        var clip = await TestClips.ScenesWithSpeech;
        var failure = await Assert.ThrowsAsync<MediaFailure>(() => probe.ProbeAsync(clip, Url, CancellationToken.None));

        Assert.Equal(MediaFailure.TooLong, failure.Code);
        Assert.Equal(Url, failure.Url);
        Assert.Contains("5 s", failure.Reason);
    }

    [Fact]
    public async Task TruncatedFile_IsCorrupt()
    {
        using var folder = new TempFolder();
        var probe = new VideoProbe(TestOptions.Video(folder));

        var clip = await TestClips.Truncated;
        var failure = await Assert.ThrowsAsync<MediaFailure>(() => probe.ProbeAsync(clip, Url, CancellationToken.None));

        Assert.Equal(MediaFailure.Corrupt, failure.Code);
        Assert.DoesNotContain(Path.GetTempPath(), failure.Reason);
    }

    [Fact]
    public async Task RandomBytes_AreCorrupt()
    {
        using var folder = new TempFolder();
        var path = folder.File("noise.media");
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 64 * 1024).Select(i => (byte)((i * 7919) ^ (i >> 3))).ToArray());
        var probe = new VideoProbe(TestOptions.Video(folder));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => probe.ProbeAsync(path, Url, CancellationToken.None));

        Assert.Equal(MediaFailure.Corrupt, failure.Code);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body><p>Not a video</p></body></html>")]
    [InlineData("Just some notes.\nNothing to watch here.\n")]
    public async Task TextOrHtml_IsUnsupported(string content)
    {
        using var folder = new TempFolder();
        var path = folder.File("source.media");
        await File.WriteAllTextAsync(path, content);
        var probe = new VideoProbe(TestOptions.Video(folder));

        var failure = await Assert.ThrowsAsync<MediaFailure>(() => probe.ProbeAsync(path, Url, CancellationToken.None));

        Assert.Equal(MediaFailure.Unsupported, failure.Code);
    }

    [Fact]
    public async Task AudioOnly_IsUnsupported()
    {
        using var folder = new TempFolder();
        var probe = new VideoProbe(TestOptions.Video(folder));

        var clip = await TestClips.SpeechWav16k;
        var failure = await Assert.ThrowsAsync<MediaFailure>(() => probe.ProbeAsync(clip, Url, CancellationToken.None));

        Assert.Equal(MediaFailure.Unsupported, failure.Code);
        Assert.Contains("audio only", failure.Reason);
    }
}
