using FFMpegCore;

namespace OaiRouter.Media;

/// <summary>Video and transcription settings (the video pipeline's part of <see cref="MediaOptions"/>).</summary>
public sealed partial class MediaOptions
{
    /// <summary>
    /// <c>WHISPER_MODEL_PATH</c> (default none): a whisper.cpp ggml model file (e.g. <c>ggml-base.en.bin</c>).
    /// Without one, videos are still handled, with frames only, and the model is told no transcript was made.
    /// </summary>
    public string? WhisperModelPath { get; set; }

    /// <summary><c>WHISPER_LANGUAGE</c> (default <c>auto</c>): spoken language as a two-letter code, or <c>auto</c> to detect it.</summary>
    public string WhisperLanguage { get; set; } = "auto";

    /// <summary><c>WHISPER_THREADS</c> (default 0 = one per core): threads one transcription uses.</summary>
    public int WhisperThreads { get; set; }

    /// <summary>
    /// <c>MEDIA_SCENE_THRESHOLD</c> (default 0.3): ffmpeg scene-change score (0–1) above which a frame starts a
    /// new scene and becomes a keyframe. Lower finds more cuts.
    /// </summary>
    public double SceneThreshold { get; set; } = 0.3;

    /// <summary>
    /// <c>MEDIA_FRAME_MAX_SIDE</c> (default 640 px): keyframes are scaled so that their longest side fits
    /// (never enlarged).
    /// </summary>
    public int FrameMaxSide { get; set; } = 640;

    /// <summary>
    /// <c>MEDIA_FRAME_DUPLICATE_DISTANCE</c> (default 10 of 64 bits): keyframes whose perceptual hashes differ in
    /// at most this many bits (and whose average colours are close) count as near-duplicates and are dropped.
    /// </summary>
    public int FrameDuplicateDistance { get; set; } = 10;

    /// <summary><c>YTDLP_PATH</c> (default <c>yt-dlp</c>, found on PATH): the yt-dlp executable used for video pages.</summary>
    public string YtDlpPath { get; set; } = "yt-dlp";

    /// <summary><c>FFMPEG_FOLDER</c> (default <c>/usr/bin</c>): folder holding <c>ffmpeg</c> and <c>ffprobe</c>.</summary>
    public string FfmpegFolder { get; set; } = "/usr/bin";

    /// <summary>
    /// <c>MEDIA_VIDEO_DOWNLOAD_TIMEOUT_SECONDS</c> (default 120): time allowed to download one video, directly or
    /// through yt-dlp (videos are larger than images, so this is longer than <c>MEDIA_FETCH_TIMEOUT_SECONDS</c>).
    /// </summary>
    public int VideoDownloadTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// <c>MEDIA_VIDEO_STAGE_TIMEOUT_SECONDS</c> (default 120): time allowed for each ffmpeg stage of one video
    /// (probe, audio extraction, keyframes).
    /// </summary>
    public int VideoStageTimeoutSeconds { get; set; } = 120;

    /// <summary><c>MEDIA_TRANSCRIBE_TIMEOUT_SECONDS</c> (default 600): time allowed to transcribe one video's audio.</summary>
    public int TranscribeTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// <c>MEDIA_VIDEO_WORK_DIR</c> (default: the system's temp folder): where each video gets a private working folder
    /// (the download, its audio, candidate frames), removed when the video is done, failed or cancelled.
    /// </summary>
    public string? VideoWorkDir { get; set; }

    /// <summary>The folder under which per-video working folders are made.</summary>
    public string VideoWorkRoot => string.IsNullOrWhiteSpace(VideoWorkDir)
        ? Path.Combine(Path.GetTempPath(), "oairouter-video")
        : VideoWorkDir;

    /// <summary>The video download timeout as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan VideoDownloadTimeout => TimeSpan.FromSeconds(VideoDownloadTimeoutSeconds);

    /// <summary>The per-stage ffmpeg timeout as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan VideoStageTimeout => TimeSpan.FromSeconds(VideoStageTimeoutSeconds);

    /// <summary>The transcription timeout as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan TranscribeTimeout => TimeSpan.FromSeconds(TranscribeTimeoutSeconds);

    /// <summary>True when <see cref="WhisperModelPath"/> is set (whether the file is a usable model is checked at start-up).</summary>
    public bool HasWhisperModel => !string.IsNullOrWhiteSpace(WhisperModelPath);

    /// <summary>
    /// Everything that changes what a video becomes; part of video cache keys, so changing a setting does not
    /// serve digests made under the old one.
    /// </summary>
    public string VideoFingerprint => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"frames={MaxFrames};scene={SceneThreshold};side={FrameMaxSide};dup={FrameDuplicateDistance};" +
        $"whisper={(HasWhisperModel ? Path.GetFileName(WhisperModelPath) : "none")};lang={WhisperLanguage}");

    /// <summary>ffmpeg and ffprobe from <see cref="FfmpegFolder"/>, passed to FFMpegCore per call (no global state).</summary>
    internal FFOptions FFOptions => new() { BinaryFolder = FfmpegFolder };

    partial void ValidateVideo(List<string> errors)
    {
        if (SceneThreshold is <= 0 or >= 1)
        {
            errors.Add($"MEDIA_SCENE_THRESHOLD must be between 0 and 1, exclusive (got {SceneThreshold}).");
        }

        if (FrameMaxSide < 16)
        {
            errors.Add($"MEDIA_FRAME_MAX_SIDE must be at least 16 (got {FrameMaxSide}).");
        }

        if (FrameDuplicateDistance is < 0 or > 64)
        {
            errors.Add($"MEDIA_FRAME_DUPLICATE_DISTANCE must be between 0 and 64 (got {FrameDuplicateDistance}).");
        }

        if (WhisperThreads < 0)
        {
            errors.Add($"WHISPER_THREADS must be 0 (one per core) or more (got {WhisperThreads}).");
        }

        if (HasWhisperModel && !File.Exists(WhisperModelPath))
        {
            errors.Add($"WHISPER_MODEL_PATH names no file ('{WhisperModelPath}'). Download a whisper.cpp ggml model " +
                "(e.g. ggml-base.en.bin) and point WHISPER_MODEL_PATH at it, or leave it empty to send frames only.");
        }

        if (string.IsNullOrWhiteSpace(WhisperLanguage))
        {
            errors.Add("WHISPER_LANGUAGE must be 'auto' or a two-letter language code.");
        }

        if (string.IsNullOrWhiteSpace(YtDlpPath))
        {
            errors.Add("YTDLP_PATH must name the yt-dlp executable.");
        }

        if (string.IsNullOrWhiteSpace(FfmpegFolder) || !Directory.Exists(FfmpegFolder))
        {
            errors.Add($"FFMPEG_FOLDER must be a folder holding ffmpeg and ffprobe (got '{FfmpegFolder}').");
        }

        if (VideoDownloadTimeoutSeconds <= 0)
        {
            errors.Add($"MEDIA_VIDEO_DOWNLOAD_TIMEOUT_SECONDS must be greater than 0 (got {VideoDownloadTimeoutSeconds}).");
        }

        if (VideoStageTimeoutSeconds <= 0)
        {
            errors.Add($"MEDIA_VIDEO_STAGE_TIMEOUT_SECONDS must be greater than 0 (got {VideoStageTimeoutSeconds}).");
        }

        if (TranscribeTimeoutSeconds <= 0)
        {
            errors.Add($"MEDIA_TRANSCRIBE_TIMEOUT_SECONDS must be greater than 0 (got {TranscribeTimeoutSeconds}).");
        }
    }
}
