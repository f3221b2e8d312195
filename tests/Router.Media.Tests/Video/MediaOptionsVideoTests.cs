namespace OaiRouter.Media.Tests.Video;

/// <summary>The video settings of <see cref="MediaOptions"/> (MediaOptions.Video.cs).</summary>
public sealed class MediaOptionsVideoTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        var options = new MediaOptions();

        Assert.Empty(options.Validate());
        Assert.False(options.HasWhisperModel);
        Assert.Equal("auto", options.WhisperLanguage);
        Assert.Equal(0.3, options.SceneThreshold);
        Assert.Equal("yt-dlp", options.YtDlpPath);
        Assert.Equal("/usr/bin", options.FfmpegFolder);
    }

    [Theory]
    [InlineData("MEDIA_SCENE_THRESHOLD")]
    [InlineData("MEDIA_FRAME_MAX_SIDE")]
    [InlineData("MEDIA_FRAME_DUPLICATE_DISTANCE")]
    [InlineData("WHISPER_MODEL_PATH")]
    [InlineData("FFMPEG_FOLDER")]
    [InlineData("MEDIA_VIDEO_STAGE_TIMEOUT_SECONDS")]
    public void BadSetting_IsReportedByName(string name)
    {
        var options = new MediaOptions();
        switch (name)
        {
            case "MEDIA_SCENE_THRESHOLD": options.SceneThreshold = 1.5; break;
            case "MEDIA_FRAME_MAX_SIDE": options.FrameMaxSide = 0; break;
            case "MEDIA_FRAME_DUPLICATE_DISTANCE": options.FrameDuplicateDistance = 65; break;
            case "WHISPER_MODEL_PATH": options.WhisperModelPath = "/nonexistent/model.bin"; break;
            case "FFMPEG_FOLDER": options.FfmpegFolder = "/nonexistent"; break;
            case "MEDIA_VIDEO_STAGE_TIMEOUT_SECONDS": options.VideoStageTimeoutSeconds = 0; break;
        }

        Assert.Contains(options.Validate(), e => e.StartsWith(name, StringComparison.Ordinal));
    }

    [Fact]
    public void Fingerprint_ChangesWithWhatShapesADigest()
    {
        var baseline = new MediaOptions().VideoFingerprint;

        Assert.NotEqual(baseline, new MediaOptions { MaxFrames = 3 }.VideoFingerprint);
        Assert.NotEqual(baseline, new MediaOptions { SceneThreshold = 0.4 }.VideoFingerprint);
        Assert.NotEqual(baseline, new MediaOptions { WhisperModelPath = "/models/ggml-base.en.bin" }.VideoFingerprint);
        Assert.Equal(baseline, new MediaOptions { YtDlpPath = "/opt/yt-dlp" }.VideoFingerprint);
    }

    [Fact]
    public void WorkRoot_DefaultsToTheTempFolder()
    {
        Assert.StartsWith(Path.GetTempPath(), new MediaOptions().VideoWorkRoot);
        Assert.Equal("/data/work", new MediaOptions { VideoWorkDir = "/data/work" }.VideoWorkRoot);
    }
}
