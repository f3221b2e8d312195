using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.VideoSupport;
using OaiRouter.Media.Video;

namespace OaiRouter.Media.Tests.Video;

public sealed class KeyframeExtractorTests
{
    private const string Url = "https://example.test/clip.mp4";

    [Fact]
    public async Task ThreeHardCuts_GiveOneFramePerSceneAtTheCuts()
    {
        using var folder = new TempFolder();

        var frames = await Extract(folder, await TestClips.ScenesWithSpeech);

        Assert.Equal(3, frames.Count);
        Assert.Equal([0.0, 2.0, 4.0], frames.Select(f => Math.Round(f.At.TotalSeconds, 1)));
        Assert.All(frames, f =>
        {
            Assert.Equal((320, 240), (f.Width, f.Height)); // never enlarged past the source
            Assert.Equal([0xFF, 0xD8], f.Jpeg[..2]);
        });
    }

    [Fact]
    public async Task StillPicture_GivesOneFrameAfterDuplicatesAreDropped()
    {
        using var folder = new TempFolder();

        var frames = await Extract(folder, await TestClips.Static);

        // Scene detection finds only the first frame, so evenly spaced frames are added; all look the same.
        var frame = Assert.Single(frames);
        Assert.Equal(TimeSpan.Zero, frame.At);
    }

    [Fact]
    public async Task RepeatedScene_IsDroppedAsANearDuplicate()
    {
        using var folder = new TempFolder();

        var frames = await Extract(folder, await TestClips.RepeatedScene);

        Assert.Equal([0.0, 2.0], frames.Select(f => Math.Round(f.At.TotalSeconds, 1)));
    }

    [Fact]
    public async Task DistinctFlatColours_AreAllKept()
    {
        using var folder = new TempFolder();

        var frames = await Extract(folder, await TestClips.EightScenes);

        Assert.Equal(8, frames.Count);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i * 0.5), frames.Select(f => Math.Round(f.At.TotalSeconds * 2) / 2));
    }

    [Fact]
    public async Task MoreScenesThanAllowed_AreCappedEvenlyKeepingTheFirst()
    {
        using var folder = new TempFolder();

        var frames = await Extract(folder, await TestClips.EightScenes, o => o.MaxFrames = 4);

        Assert.Equal(4, frames.Count);
        Assert.Equal(TimeSpan.Zero, frames[0].At);
        Assert.Equal(frames.OrderBy(f => f.At), frames);
        Assert.Equal(3.5, Math.Round(frames[^1].At.TotalSeconds * 2) / 2);
    }

    [Fact]
    public async Task NoCuts_FallBackToEvenlySpacedFrames()
    {
        using var folder = new TempFolder();

        var frames = await Extract(folder, await TestClips.GradualChange, o => o.MaxFrames = 6);

        // The first frame (from the scene pass) and frames at the middles of 6 equal slices of 6 s: 0.5, 1.5, … 5.5.
        Assert.InRange(frames.Count, 3, 6);
        Assert.Equal(TimeSpan.Zero, frames[0].At);
        Assert.All(frames.Skip(1), f => Assert.Contains(f.At.TotalSeconds, new[] { 0.5, 1.5, 2.5, 3.5, 4.5, 5.5 }));
        Assert.Equal(frames.OrderBy(f => f.At), frames);
    }

    [Fact]
    public async Task FramesAreScaledToTheLongestSide()
    {
        using var folder = new TempFolder();

        var frames = await Extract(folder, await TestClips.ScenesWithSpeech, o => o.FrameMaxSide = 160);

        Assert.All(frames, f => Assert.Equal((160, 120), (f.Width, f.Height)));
    }

    [Fact]
    public async Task TruncatedClip_IsCorrupt()
    {
        using var folder = new TempFolder();
        var info = new VideoInfo(TimeSpan.FromSeconds(6), TimeSpan.Zero, 320, 240, 25, true, "mov");

        var clip = await TestClips.Truncated;
        var failure = await Assert.ThrowsAsync<MediaFailure>(() => new KeyframeExtractor(TestOptions.Video(folder))
            .ExtractAsync(clip, info, folder.File("frames"), Url, CancellationToken.None));

        Assert.Equal(MediaFailure.Corrupt, failure.Code);
    }

    [Fact]
    public async Task Cancelled_Throws()
    {
        using var folder = new TempFolder();
        var clip = await TestClips.ScenesWithSpeech;
        var options = TestOptions.Video(folder);
        var info = await new VideoProbe(options).ProbeAsync(clip, Url, CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new KeyframeExtractor(options).ExtractAsync(clip, info, folder.File("frames"), Url, cancelled.Token));
    }

    [Fact]
    public void Cap_SpreadsTheKeptFramesOverAllFound()
    {
        var frames = Enumerable.Range(0, 10).Select(i => new VideoFrame(TimeSpan.FromSeconds(i), [], 1, 1)).ToList();

        Assert.Equal([0, 3, 6, 9], KeyframeExtractor.Cap(frames, 4).Select(f => (int)f.At.TotalSeconds));
        Assert.Equal([0], KeyframeExtractor.Cap(frames, 1).Select(f => (int)f.At.TotalSeconds));
        Assert.Same(frames, KeyframeExtractor.Cap(frames, 10));
    }

    private static async Task<IReadOnlyList<VideoFrame>> Extract(TempFolder folder, string clip, Action<MediaOptions>? change = null)
    {
        var options = TestOptions.Video(folder, change);
        var info = await new VideoProbe(options).ProbeAsync(clip, Url, CancellationToken.None);
        return await new KeyframeExtractor(options).ExtractAsync(clip, info, folder.File("frames"), Url, CancellationToken.None);
    }
}
