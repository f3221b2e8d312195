using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.VideoSupport;
using OaiRouter.Media.Video;

namespace OaiRouter.Media.Tests.Video;

public sealed class VideoDigestStoreTests
{
    private static readonly VideoDigest Digest = new(
        "https://example.test/clip.mp4",
        TimeSpan.FromSeconds(6.04),
        [
            new VideoFrame(TimeSpan.Zero, [0xFF, 0xD8, 1, 2, 3], 320, 240),
            new VideoFrame(TimeSpan.FromSeconds(2.04), [0xFF, 0xD8, 4, 5], 320, 240),
        ],
        [new TranscriptSegment(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2.25), "Hello there.")],
        null,
        123_456,
        FromCache: false,
        new Dictionary<string, double> { ["download"] = 12.5 });

    [Fact]
    public void SavedDigest_LoadsBackFromCache()
    {
        using var folder = new TempFolder();

        VideoDigestStore.Save(folder.Path, Digest);
        var loaded = VideoDigestStore.Load(folder.Path);

        Assert.NotNull(loaded);
        Assert.Equal(Digest.SourceUrl, loaded.SourceUrl);
        Assert.Equal(Digest.Duration, loaded.Duration);
        Assert.Equal(Digest.BytesFetched, loaded.BytesFetched);
        Assert.Null(loaded.TranscriptNote);
        Assert.Equal(Digest.Transcript, loaded.Transcript);
        Assert.Equal(Digest.Frames.Select(f => (f.At, f.Width, f.Height)), loaded.Frames.Select(f => (f.At, f.Width, f.Height)));
        Assert.Equal(Digest.Frames.Select(f => f.Jpeg), loaded.Frames.Select(f => f.Jpeg));
        Assert.True(loaded.FromCache);
        Assert.Empty(loaded.StageMilliseconds);
        Assert.True(File.Exists(Path.Combine(folder.Path, "frame_001.jpg")));
    }

    [Fact]
    public void NoteWithoutTranscript_RoundTrips()
    {
        using var folder = new TempFolder();
        var digest = Digest with { Transcript = [], TranscriptNote = "the video has no audio track" };

        VideoDigestStore.Save(folder.Path, digest);

        Assert.Equal("the video has no audio track", VideoDigestStore.Load(folder.Path)!.TranscriptNote);
    }

    [Fact]
    public void EmptyFolder_IsAMiss()
    {
        using var folder = new TempFolder();

        Assert.Null(VideoDigestStore.Load(folder.Path));
        Assert.Null(VideoDigestStore.Load(folder.File("absent")));
    }

    [Fact]
    public void MissingFrameOrBrokenJson_IsAMiss()
    {
        using var folder = new TempFolder();
        VideoDigestStore.Save(folder.Path, Digest);

        File.Delete(Path.Combine(folder.Path, "frame_001.jpg"));
        Assert.Null(VideoDigestStore.Load(folder.Path));

        File.WriteAllText(Path.Combine(folder.Path, VideoDigestStore.DigestFileName), "{ not json");
        Assert.Null(VideoDigestStore.Load(folder.Path));
    }

    [Fact]
    public void FrameNamesCannotLeaveTheFolder()
    {
        using var folder = new TempFolder();
        var outside = folder.File("secret.jpg");
        File.WriteAllBytes(outside, [1, 2, 3]);
        var inner = Path.Combine(folder.Path, "entry");
        Directory.CreateDirectory(inner);
        File.WriteAllText(Path.Combine(inner, VideoDigestStore.DigestFileName),
            """{"version":1,"source_url":"u","duration_seconds":1,"frames":[{"file":"../secret.jpg","at_seconds":0,"width":1,"height":1}],"bytes_fetched":1}""");

        Assert.Null(VideoDigestStore.Load(inner));
    }
}
