using FFMpegCore;
using FFMpegCore.Enums;
using FFMpegCore.Exceptions;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Video;

/// <summary>Extracts a video's audio as the WAV Whisper needs: 16 kHz, mono, signed 16-bit PCM.</summary>
internal sealed class AudioExtractor(MediaOptions options)
{
    /// <summary>Whisper.net reads only this rate (others throw NotSupportedWaveException).</summary>
    public const int SampleRate = 16000;

    /// <summary>
    /// Writes the first audio track of <paramref name="videoPath"/> to <paramref name="wavPath"/>. A file rather than
    /// a pipe: ffmpeg can then seek back and write the real sizes into the WAV header, and a long video's
    /// audio (19 MB for ten minutes) does not sit in memory.
    /// </summary>
    public Task ExtractWavAsync(string videoPath, string wavPath, string url, CancellationToken cancellationToken) =>
        StageLimits.RunAsync(url, "extracting the audio", options.VideoStageTimeout, async token =>
        {
            try
            {
                await FFMpegArguments
                    .FromFileInput(videoPath)
                    .OutputToFile(wavPath, overwrite: true, o => o
                        .DisableVideo()
                        .WithCustomArgument("-map 0:a:0 -sn -dn")
                        .WithAudioCodec(AudioCodec.PcmS16Le)
                        .WithAudioSamplingRate(SampleRate)
                        .WithAudioChannels(1)
                        .ForceFormat("wav"))
                    .CancellableThrough(token)
                    .ProcessAsynchronously(throwOnError: true, options.FFOptions)
                    .ConfigureAwait(false);
            }
            catch (FFMpegException e) when (!token.IsCancellationRequested)
            {
                throw new MediaFailure(MediaFailure.Corrupt, url, $"the audio cannot be read ({FfmpegText.Reason(e)})", e);
            }
        }, cancellationToken);
}
