using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace OaiRouter.Media.Tests.VideoSupport;

/// <summary>
/// Small clips made once per test run with ffmpeg and espeak-ng (320x240, a few seconds), shared read-only
/// by the tests that need them. Each is made on first use.
/// </summary>
internal static class TestClips
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "oairouter-video-clips", Environment.ProcessId.ToString());
    private static readonly Dictionary<string, Lazy<Task<string>>> Clips = new();
    private static readonly Lock ClipsLock = new();

    static TestClips()
    {
        Directory.CreateDirectory(Folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
    }

    /// <summary>Three hard-cut scenes of 2 s each (testsrc, smptebars, red) with spoken English over them.</summary>
    public static Task<string> ScenesWithSpeech => Get("scenes_speech.mp4", async path =>
    {
        var speech = Path.Combine(Folder, "speech.wav");
        await Run("espeak-ng", ["-w", speech, "Hello. This is a test of the router. The quick brown fox jumps over the lazy dog."]);
        await Ffmpeg(
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=2",
            "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=2",
            "-f", "lavfi", "-i", "color=c=red:size=320x240:rate=25:duration=2",
            "-i", speech,
            "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v];[3:a]apad[a]",
            "-map", "[v]", "-map", "[a]", "-t", "6",
            "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", path);
    });

    /// <summary>Six seconds of one still picture (colour bars), no audio.</summary>
    public static Task<string> Static => Get("static.mp4", path => Ffmpeg(
        "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=6",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path));

    /// <summary>Six seconds of a slow wipe from colour bars to testsrc: the picture changes, but never in one cut.</summary>
    public static Task<string> GradualChange => Get("gradual.mp4", path => Ffmpeg(
        "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=6",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=6",
        "-filter_complex", "[0:v][1:v]xfade=transition=wipeleft:duration=5.5:offset=0.25,format=yuv420p[v]",
        "-map", "[v]", "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", path));

    /// <summary>Colour bars, red, colour bars again (2 s each): the third scene repeats the first.</summary>
    public static Task<string> RepeatedScene => Get("repeated.mp4", path => Ffmpeg(
        "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=2",
        "-f", "lavfi", "-i", "color=c=red:size=320x240:rate=25:duration=2",
        "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25:duration=2",
        "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v]",
        "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", path));

    /// <summary>Eight distinct scenes of 0.5 s each (flat colours and test patterns), no audio.</summary>
    public static Task<string> EightScenes => Get("eight_scenes.mp4", path =>
    {
        string[] sources =
        [
            "testsrc", "color=c=red", "smptebars", "color=c=blue", "color=c=green", "color=c=yellow", "testsrc2", "color=c=white",
        ];
        var args = new List<string>();
        foreach (var source in sources)
        {
            args.AddRange(["-f", "lavfi", "-i", $"{source}{(source.Contains('=') ? ':' : '=')}size=320x240:rate=25:duration=0.5"]);
        }

        var inputs = string.Concat(Enumerable.Range(0, sources.Length).Select(i => $"[{i}:v]"));
        args.AddRange(["-filter_complex", $"{inputs}concat=n={sources.Length}:v=1:a=0,format=yuv420p[v]", "-map", "[v]",
            "-c:v", "libx264", "-preset", "ultrafast", path]);
        return Ffmpeg([.. args]);
    });

    /// <summary>The 6 s scenes clip cut in half: the index (moov) at the end is missing, so nothing can read it.</summary>
    public static Task<string> Truncated => Get("truncated.mp4", async path =>
    {
        var whole = await File.ReadAllBytesAsync(await ScenesWithSpeech);
        await File.WriteAllBytesAsync(path, whole[..(whole.Length / 2)]);
    });

    /// <summary>A 10 s 1280x720 30 fps clip with three scenes and audio: ffmpeg needs a moment for it.</summary>
    public static Task<string> Hd10Seconds => Get("hd10.mp4", path => Ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30:duration=4",
        "-f", "lavfi", "-i", "smptebars=size=1280x720:rate=30:duration=3",
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=3",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=10",
        "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v]",
        "-map", "[v]", "-map", "3:a", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", path));

    /// <summary>Forty seconds of a quiet tone as 16 kHz mono WAV: two of whisper's 30 s windows, so it takes a while.</summary>
    public static Task<string> LongWav16k => Get("long16k.wav", path => Ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=220:duration=40", "-af", "volume=0.1",
        "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", path));

    /// <summary>A 16 kHz mono WAV of espeak-ng speech.</summary>
    public static Task<string> SpeechWav16k => Get("speech16k.wav", async path =>
    {
        var raw = Path.Combine(Folder, "speech_raw.wav");
        await Run("espeak-ng", ["-w", raw, "Testing the transcription path of the router."]);
        await Ffmpeg("-i", raw, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", path);
    });

    private static Task<string> Get(string name, Func<string, Task> make)
    {
        Lazy<Task<string>> lazy;
        lock (ClipsLock)
        {
            if (!Clips.TryGetValue(name, out lazy!))
            {
                lazy = new Lazy<Task<string>>(async () =>
                {
                    var path = Path.Combine(Folder, name);
                    await make(path);
                    return path;
                });
                Clips[name] = lazy;
            }
        }

        return lazy.Value;
    }

    private static Task Ffmpeg(params string[] args) =>
        Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", .. args]);

    private static async Task Run(string tool, IEnumerable<string> args)
    {
        var result = await Cli.Wrap(tool).WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(Encoding.UTF8);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({result.ExitCode}): {result.StandardError}");
        }
    }
}
