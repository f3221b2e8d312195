using System.Collections.Concurrent;
using OaiRouter.Media.Contracts;
using Whisper.net;

namespace OaiRouter.Media.Transcription;

/// <summary>
/// Speech to text with Whisper.net, from the model at <c>WHISPER_MODEL_PATH</c>. The model is loaded once and
/// shared; a <see cref="WhisperProcessor"/> is not thread-safe, so each transcription rents one from a small
/// pool (building one allocates whisper's working state, which is worth reusing) and returns it afterwards.
/// Without a model, <see cref="IsConfigured"/> is false and videos get no transcript, only a note.
/// </summary>
public sealed class WhisperTranscriber : IDisposable
{
    /// <summary>What the model is told when there is no transcript because no model is configured.</summary>
    public const string NotConfiguredNote = "no speech model is configured on this router (WHISPER_MODEL_PATH)";

    /// <summary>Processors kept idle for reuse; more may exist while that many transcriptions run at once.</summary>
    private const int MaxIdleProcessors = 2;

    private readonly string? _modelPath;
    private readonly string _language;
    private readonly int _threads;
    private readonly Lazy<WhisperFactory>? _factory;
    private readonly ConcurrentBag<WhisperProcessor> _idle = [];
    private readonly Lock _buildLock = new();
    private bool _disposed;

    /// <summary>Uses <see cref="MediaOptions.WhisperModelPath"/>, <see cref="MediaOptions.WhisperLanguage"/> and <see cref="MediaOptions.WhisperThreads"/>.</summary>
    public WhisperTranscriber(MediaOptions options)
        : this(options.WhisperModelPath, options.WhisperLanguage, options.WhisperThreads)
    {
    }

    /// <summary>A transcriber for <paramref name="modelPath"/> (null or empty: not configured).</summary>
    /// <param name="language">A two-letter code, or <c>auto</c> to detect the language.</param>
    /// <param name="threads">Threads per transcription; 0 for one per core.</param>
    public WhisperTranscriber(string? modelPath, string language = "auto", int threads = 0)
    {
        _modelPath = string.IsNullOrWhiteSpace(modelPath) ? null : modelPath;
        _language = string.IsNullOrWhiteSpace(language) ? "auto" : language.Trim().ToLowerInvariant();
        _threads = threads;
        if (_modelPath is not null)
        {
            var path = _modelPath;
            _factory = new Lazy<WhisperFactory>(() => WhisperFactory.FromPath(path), LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    /// <summary>True when a model path is set; <see cref="Validate"/> says whether it loads.</summary>
    public bool IsConfigured => _modelPath is not null;

    /// <summary>The configured model file, if any.</summary>
    public string? ModelPath => _modelPath;

    /// <summary>Processors waiting for reuse (tests).</summary>
    internal int IdleProcessors => _idle.Count;

    /// <summary>
    /// For start-up: loads the configured model and builds one processor (kept for the first request), so a
    /// bad file fails the start with a message naming <c>WHISPER_MODEL_PATH</c> rather than the first video.
    /// Does nothing when no model is configured.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is missing or does not load, or the language is unknown.</exception>
    public void Validate()
    {
        if (_modelPath is null)
        {
            return;
        }

        CheckLanguage(_language);
        if (!File.Exists(_modelPath))
        {
            throw MissingModel(_modelPath);
        }

        WhisperProcessor processor;
        try
        {
            processor = Build();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw BadModel(_modelPath, e);
        }

        _idle.Add(processor);
    }

    /// <summary>
    /// Checks that <paramref name="path"/> is a whisper.cpp model that loads, without keeping it.
    /// </summary>
    /// <exception cref="InvalidOperationException">With a message naming <c>WHISPER_MODEL_PATH</c>.</exception>
    public static void ValidateModel(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException("WHISPER_MODEL_PATH is empty: set it to a whisper.cpp ggml model file.");
        }

        if (!File.Exists(path))
        {
            throw MissingModel(path);
        }

        try
        {
            using var factory = WhisperFactory.FromPath(path);
            using var processor = factory.CreateBuilder().Build();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw BadModel(path, e);
        }
    }

    /// <summary>
    /// Transcribes a 16 kHz mono 16-bit WAV file, keeping each segment's times. Returns no segments when nothing
    /// was recognised. Throws <see cref="InvalidOperationException"/> when no model is configured.
    /// </summary>
    public async Task<IReadOnlyList<TranscriptSegment>> TranscribeAsync(string wavPath, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_modelPath is null)
        {
            throw new InvalidOperationException(NotConfiguredNote);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var processor = Rent();
        var reusable = false;
        try
        {
            var segments = new List<TranscriptSegment>();
            await using var wav = File.OpenRead(wavPath);
            await foreach (var segment in processor.ProcessAsync(wav, cancellationToken).ConfigureAwait(false))
            {
                var text = segment.Text.Trim();
                if (text.Length > 0)
                {
                    segments.Add(new TranscriptSegment(segment.Start, segment.End, text));
                }
            }

            reusable = true;
            return segments;
        }
        finally
        {
            // A processor stopped half-way (cancelled, failed) may hold state from that run: never reuse it.
            // On cancellation Whisper.net returns while whisper.cpp is still running on its own thread (it stops
            // at its next abort check); DisposeAsync waits for that, so the CPU is free when this call ends.
            await ReturnAsync(processor, reusable && !cancellationToken.IsCancellationRequested).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var processor))
        {
            processor.Dispose();
        }

        if (_factory is { IsValueCreated: true })
        {
            _factory.Value.Dispose();
        }
    }

    private WhisperProcessor Rent() => _idle.TryTake(out var processor) ? processor : Build();

    private async ValueTask ReturnAsync(WhisperProcessor processor, bool reusable)
    {
        if (reusable && !_disposed && _idle.Count < MaxIdleProcessors)
        {
            _idle.Add(processor);
            return;
        }

        await processor.DisposeAsync().ConfigureAwait(false);
    }

    private WhisperProcessor Build()
    {
        // The factory hands out builders over one native model; building is not documented as thread-safe.
        lock (_buildLock)
        {
            var builder = _factory!.Value.CreateBuilder();
            builder = _language == "auto" ? builder.WithLanguageDetection() : builder.WithLanguage(_language);
            if (_threads > 0)
            {
                builder = builder.WithThreads(_threads);
            }

            return builder.Build();
        }
    }

    private static void CheckLanguage(string language)
    {
        if (language == "auto")
        {
            return;
        }

        var supported = WhisperFactory.GetSupportedLanguages().ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!supported.Contains(language))
        {
            throw new InvalidOperationException(
                $"WHISPER_LANGUAGE '{language}' is not a language whisper knows; use 'auto' or a two-letter code such as 'en'.");
        }
    }

    private static InvalidOperationException MissingModel(string path) => new(
        $"WHISPER_MODEL_PATH names no file ('{path}'). Download a whisper.cpp ggml model (for example ggml-base.en.bin " +
        "from the whisper.cpp project's model list) and point WHISPER_MODEL_PATH at it, or leave WHISPER_MODEL_PATH empty " +
        "to send videos as frames only.");

    private static InvalidOperationException BadModel(string path, Exception e) => new(
        $"WHISPER_MODEL_PATH ('{path}') is not a whisper.cpp ggml model that loads: {e.Message}", e);
}
