using System.Globalization;
using System.Text.RegularExpressions;
using FFMpegCore;
using FFMpegCore.Exceptions;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Video;

/// <summary>
/// Picks the frames a vision model sees: one per scene (ffmpeg's scene-change score), evenly spaced frames
/// when scene detection finds too few or far too many, near-duplicates dropped by perceptual hash, at most
/// <see cref="MediaOptions.MaxFrames"/>.
/// </summary>
internal sealed partial class KeyframeExtractor(MediaOptions options)
{
    /// <summary>Fewer scene frames than this (or than MaxFrames, if smaller) and evenly spaced frames are added.</summary>
    private const int MinSceneFrames = 3;

    /// <summary>
    /// The scene pass stops after this many frames per allowed frame: a strobing or noisy video would otherwise
    /// write thousands of JPEGs. Such a video is covered with evenly spaced frames instead.
    /// </summary>
    private const int SceneFramesPerAllowedFrame = 8;

    /// <summary>Extracts the frames of <paramref name="videoPath"/>, using <paramref name="workDir"/> for JPEGs.</summary>
    public Task<IReadOnlyList<VideoFrame>> ExtractAsync(
        string videoPath, VideoInfo info, string workDir, string url, CancellationToken cancellationToken) =>
        StageLimits.RunAsync(url, "extracting keyframes", options.VideoStageTimeout,
            token => ExtractCoreAsync(videoPath, info, workDir, url, token), cancellationToken);

    private async Task<IReadOnlyList<VideoFrame>> ExtractCoreAsync(
        string videoPath, VideoInfo info, string workDir, string url, CancellationToken cancellationToken)
    {
        var sceneLimit = options.MaxFrames * SceneFramesPerAllowedFrame;
        var scenes = await SceneFramesAsync(videoPath, info, Path.Combine(workDir, "scenes"), sceneLimit, url, cancellationToken)
            .ConfigureAwait(false);

        var candidates = new List<Candidate>();
        var sceneDetectionUsable = scenes.Count < sceneLimit;
        if (sceneDetectionUsable)
        {
            candidates.AddRange(scenes);
        }

        if (!sceneDetectionUsable || scenes.Count < Math.Min(MinSceneFrames, options.MaxFrames))
        {
            candidates.AddRange(await EvenlySpacedFramesAsync(videoPath, info, Path.Combine(workDir, "even"), cancellationToken)
                .ConfigureAwait(false));
        }

        var frames = Deduplicate(candidates.OrderBy(c => c.At));
        if (frames.Count == 0)
        {
            throw new MediaFailure(MediaFailure.Corrupt, url, "no frame of the video could be decoded");
        }

        return Cap(frames, options.MaxFrames);
    }

    /// <summary>
    /// One decoding pass that writes the first frame and every frame whose scene-change score passes the
    /// threshold. Frame times come from the <c>showinfo</c> filter placed right after <c>select</c>: it logs
    /// each selected frame, in output order, with its presentation time, so the n-th log line belongs to the
    /// n-th JPEG. This is exact (no second decode, no guessing from file names or frame rates) and holds for
    /// variable frame rates; the counts are checked against each other, and a mismatch discards the pass.
    /// </summary>
    private async Task<List<Candidate>> SceneFramesAsync(
        string videoPath, VideoInfo info, string dir, int limit, string url, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dir);
        var threshold = options.SceneThreshold.ToString("0.###", CultureInfo.InvariantCulture);
        var filter = $"select='eq(n,0)+gt(scene,{threshold})',showinfo,{ScaleFilter()}";
        var times = new List<TimeSpan>();
        try
        {
            await FFMpegArguments
                .FromFileInput(videoPath)
                .OutputToFile(Path.Combine(dir, "scene_%04d.jpg"), overwrite: true, o => o
                    .WithCustomArgument($"-vf \"{filter}\" -fps_mode vfr -frames:v {limit} -q:v 3 -an -sn -dn"))
                .NotifyOnStandardError(line =>
                {
                    var match = ShowInfoLine().Match(line);
                    if (match.Success &&
                        double.TryParse(match.Groups["t"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                    {
                        times.Add(TimeSpan.FromSeconds(seconds));
                    }
                })
                .CancellableThrough(cancellationToken)
                .ProcessAsynchronously(throwOnError: true, options.FFOptions)
                .ConfigureAwait(false);
        }
        catch (FFMpegException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaFailure(MediaFailure.Corrupt, url, $"the video cannot be decoded ({FfmpegText.Reason(e)})", e);
        }

        var files = Directory.GetFiles(dir, "scene_*.jpg").Order(StringComparer.Ordinal).ToList();
        if (files.Count != times.Count)
        {
            return [];
        }

        return files.Select((file, i) => new Candidate(FromStart(times[i], info), file)).ToList();
    }

    /// <summary>
    /// Frames at the middles of <see cref="MediaOptions.MaxFrames"/> equal slices of the video, each taken with an
    /// input seek (<c>-ss</c> before <c>-i</c>): ffmpeg decodes only from the keyframe before each time, so the
    /// cost grows with the number of frames, not with the video's length, and the times are exact by
    /// construction. All seeks run in one ffmpeg (one input and one output per time), which costs less than half
    /// of one process per frame; should that run fail (a damaged stretch), each frame is tried on its own so one
    /// bad spot loses one frame, not all.
    /// </summary>
    private async Task<List<Candidate>> EvenlySpacedFramesAsync(
        string videoPath, VideoInfo info, string dir, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dir);
        var count = options.MaxFrames;
        var wanted = Enumerable.Range(0, count)
            .Select(i => new Candidate(info.Duration * ((i + 0.5) / count), Path.Combine(dir, $"even_{i:0000}.jpg")))
            .ToList();
        try
        {
            await SeekFramesAsync(videoPath, wanted, cancellationToken).ConfigureAwait(false);
        }
        catch (FFMpegException) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var frame in wanted)
            {
                try
                {
                    await SeekFramesAsync(videoPath, [frame], cancellationToken).ConfigureAwait(false);
                }
                catch (FFMpegException) when (!cancellationToken.IsCancellationRequested)
                {
                    // This frame is lost; "no frame at all" is decided by the caller.
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return wanted.Where(c => File.Exists(c.File) && new FileInfo(c.File).Length > 0).ToList();
    }

    private Task SeekFramesAsync(string videoPath, IReadOnlyList<Candidate> frames, CancellationToken cancellationToken)
    {
        FFMpegArguments? arguments = null;
        foreach (var frame in frames)
        {
            var seek = string.Create(CultureInfo.InvariantCulture, $"-ss {frame.At.TotalSeconds:0.###}");
            arguments = arguments is null
                ? FFMpegArguments.FromFileInput(videoPath, verifyExists: true, o => o.WithCustomArgument(seek))
                : arguments.AddFileInput(videoPath, verifyExists: true, o => o.WithCustomArgument(seek));
        }

        var frameOutputs = frames.Select((frame, input) => (frame.File, input)).ToList();
        return arguments!
            .OutputToMany(outputs =>
            {
                foreach (var (file, input) in frameOutputs)
                {
                    outputs.OutputToFile(file, overwrite: true, o => o.WithCustomArgument(
                        $"-map {input}:v:0 -vf \"{ScaleFilter()}\" -frames:v 1 -q:v 3 -an -sn -dn"));
                }
            })
            .CancellableThrough(cancellationToken)
            .ProcessAsynchronously(throwOnError: true, options.FFOptions);
    }

    /// <summary>Keeps frames in time order, dropping each one that looks like a frame already kept.</summary>
    private List<VideoFrame> Deduplicate(IEnumerable<Candidate> candidates)
    {
        var kept = new List<(VideoFrame Frame, FrameHash Hash)>();
        foreach (var candidate in candidates)
        {
            var jpeg = File.ReadAllBytes(candidate.File);
            if (FrameHash.Compute(jpeg) is not var (hash, width, height))
            {
                continue;
            }

            if (kept.Any(k => k.Hash.IsNearDuplicateOf(hash, options.FrameDuplicateDistance)))
            {
                continue;
            }

            kept.Add((new VideoFrame(candidate.At, jpeg, width, height), hash));
        }

        return kept.Select(k => k.Frame).ToList();
    }

    /// <summary>At most <paramref name="max"/> frames, spread evenly over those found, the first always kept.</summary>
    internal static IReadOnlyList<VideoFrame> Cap(IReadOnlyList<VideoFrame> frames, int max)
    {
        if (frames.Count <= max)
        {
            return frames;
        }

        if (max == 1)
        {
            return [frames[0]];
        }

        return Enumerable.Range(0, max)
            .Select(i => frames[(int)Math.Round(i * (frames.Count - 1) / (double)(max - 1))])
            .ToList();
    }

    /// <summary>Scales so the longest side fits <see cref="MediaOptions.FrameMaxSide"/>, never enlarging.</summary>
    private string ScaleFilter()
    {
        var side = options.FrameMaxSide;
        return $"scale='if(gte(iw,ih),min({side},iw),-2)':'if(gte(iw,ih),-2,min({side},ih))'";
    }

    /// <summary>ffmpeg reports container times; frames are labelled from the start of the video.</summary>
    private static TimeSpan FromStart(TimeSpan pts, VideoInfo info)
    {
        var at = pts - info.StartTime;
        return at < TimeSpan.Zero ? TimeSpan.Zero : at;
    }

    [GeneratedRegex(@"Parsed_showinfo_\d+ @ [^\]]*\]\s*n:\s*\d+\s+pts:\s*-?\d+\s+pts_time:(?<t>-?[0-9.eE+-]+)")]
    private static partial Regex ShowInfoLine();

    private sealed record Candidate(TimeSpan At, string File);
}
