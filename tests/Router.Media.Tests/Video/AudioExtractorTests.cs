using System.Buffers.Binary;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.VideoSupport;
using OaiRouter.Media.Video;

namespace OaiRouter.Media.Tests.Video;

public sealed class AudioExtractorTests
{
    private const string Url = "https://example.test/clip.mp4";

    [Fact]
    public async Task Clip_BecomesSixteenKilohertzMonoPcmWav()
    {
        using var folder = new TempFolder();
        var wav = folder.File("audio.wav");

        await new AudioExtractor(TestOptions.Video(folder)).ExtractWavAsync(await TestClips.ScenesWithSpeech, wav, Url, CancellationToken.None);

        var header = WavHeader.Read(wav);
        Assert.Equal(1, header.Format); // PCM
        Assert.Equal(1, header.Channels);
        Assert.Equal(16000, header.SampleRate);
        Assert.Equal(16, header.BitsPerSample);
        // The real size is in the header (written to a file, not a pipe): 6 s of 16-bit samples.
        Assert.InRange(header.DataBytes / 2.0 / 16000, 5.9, 6.1);
    }

    [Fact]
    public async Task TruncatedClip_IsCorrupt()
    {
        using var folder = new TempFolder();

        var clip = await TestClips.Truncated;
        var failure = await Assert.ThrowsAsync<MediaFailure>(() => new AudioExtractor(TestOptions.Video(folder))
            .ExtractWavAsync(clip, folder.File("audio.wav"), Url, CancellationToken.None));

        Assert.Equal(MediaFailure.Corrupt, failure.Code);
    }

    [Fact]
    public async Task Cancelled_Throws()
    {
        using var folder = new TempFolder();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var clip = await TestClips.ScenesWithSpeech;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new AudioExtractor(TestOptions.Video(folder))
            .ExtractWavAsync(clip, folder.File("audio.wav"), Url, cancelled.Token));
    }

    private sealed record WavHeader(int Format, int Channels, int SampleRate, int BitsPerSample, long DataBytes)
    {
        public static WavHeader Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
            Assert.Equal("WAVE", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
            int format = 0, channels = 0, rate = 0, bits = 0;
            long data = -1;
            for (var offset = 12; offset + 8 <= bytes.Length;)
            {
                var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
                var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 4));
                if (id == "fmt ")
                {
                    format = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset + 8));
                    channels = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset + 10));
                    rate = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 12));
                    bits = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset + 22));
                }
                else if (id == "data")
                {
                    data = size;
                    break;
                }

                offset += 8 + size + (size & 1);
            }

            return new WavHeader(format, channels, rate, bits, data);
        }
    }
}
