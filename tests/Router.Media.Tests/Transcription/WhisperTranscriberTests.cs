using OaiRouter.Media.Tests.VideoSupport;
using OaiRouter.Media.Transcription;

namespace OaiRouter.Media.Tests.Transcription;

/// <summary>Real Whisper.net on whisper.cpp's test stub: it loads and runs the whole path, and hears nothing.</summary>
public sealed class WhisperTranscriberTests
{
    [Fact]
    public void StubModel_PassesValidation()
    {
        WhisperTranscriber.ValidateModel(TestPaths.WhisperStubModel);

        using var transcriber = new WhisperTranscriber(TestPaths.WhisperStubModel);
        transcriber.Validate();
        Assert.True(transcriber.IsConfigured);
    }

    [Fact]
    public async Task StubModel_TranscribesSpeechToNoSegmentsWithoutThrowing_AndKeepsTheProcessor()
    {
        // One run on the stub costs seconds of CPU (whisper encodes a whole 30 s window): one run only.
        using var transcriber = new WhisperTranscriber(TestPaths.WhisperStubModel, "auto", threads: 2);
        var wav = await TestClips.SpeechWav16k;

        var segments = await transcriber.TranscribeAsync(wav, CancellationToken.None);

        Assert.Empty(segments);
        Assert.Equal(1, transcriber.IdleProcessors);
    }

    [Fact]
    public async Task Cancelled_StopsWhisperAndThrows()
    {
        using var transcriber = new WhisperTranscriber(TestPaths.WhisperStubModel, "en", threads: 2);
        var wav = await TestClips.LongWav16k;
        // Loaded first, so the cancellation lands while whisper.cpp works on 40 s of audio (seconds of CPU).
        transcriber.Validate();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transcriber.TranscribeAsync(wav, cancel.Token))
            .WaitAsync(TimeSpan.FromSeconds(30));
        // A processor stopped half-way is not reused.
        Assert.Equal(0, transcriber.IdleProcessors);
    }

    [Fact]
    public void MissingFile_FailsValidationNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WhisperTranscriber.ValidateModel("/nonexistent/ggml-base.bin"));

        Assert.Contains("WHISPER_MODEL_PATH", error.Message);
        Assert.Contains("/nonexistent/ggml-base.bin", error.Message);
    }

    [Fact]
    public void FileThatIsNoModel_FailsValidationNamingTheSetting()
    {
        using var folder = new TempFolder();
        var path = folder.File("not-a-model.bin");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray());

        var error = Assert.Throws<InvalidOperationException>(() => WhisperTranscriber.ValidateModel(path));
        Assert.Contains("WHISPER_MODEL_PATH", error.Message);

        using var transcriber = new WhisperTranscriber(path);
        Assert.Contains("WHISPER_MODEL_PATH", Assert.Throws<InvalidOperationException>(transcriber.Validate).Message);
    }

    [Fact]
    public void UnknownLanguage_FailsValidationNamingTheSetting()
    {
        using var transcriber = new WhisperTranscriber(TestPaths.WhisperStubModel, "xx");

        var error = Assert.Throws<InvalidOperationException>(transcriber.Validate);

        Assert.Contains("WHISPER_LANGUAGE", error.Message);
    }

    [Fact]
    public async Task NoModel_IsNotConfiguredAndValidatesTrivially()
    {
        using var transcriber = new WhisperTranscriber(new MediaOptions());

        transcriber.Validate();

        Assert.False(transcriber.IsConfigured);
        await Assert.ThrowsAsync<InvalidOperationException>(() => transcriber.TranscribeAsync("unused.wav", CancellationToken.None));
    }
}
