using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Actors.Tests.Forwarding;

public sealed class StreamRelayTests
{
    private const string Chunk1 = "data: {\"id\":\"gen-1\",\"model\":\"m/x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
    private const string Chunk2 = "data: {\"id\":\"gen-1\",\"model\":\"m/x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n";
    private const string Usage = "data: {\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5,\"cost\":0.001}}\n\n";
    private const string Done = "data: [DONE]\n\n";

    private static async Task<(StreamEnd End, string Written, StreamTally Tally)> RelayAsync(Stream upstream, TimeSpan? idle = null)
    {
        var client = new MemoryStream();
        var tally = new StreamTally();
        var end = await StreamRelay.RelayAsync(upstream, client, tally, idle ?? TimeSpan.FromSeconds(5), CancellationToken.None);
        return (end, Encoding.UTF8.GetString(client.ToArray()), tally);
    }

    private static Stream Upstream(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task CompleteStream_IsRelayedVerbatimAndTallied()
    {
        const string sse = ": OPENROUTER PROCESSING\n\n" + Chunk1 + Chunk2 + Usage + Done;
        var (end, written, tally) = await RelayAsync(Upstream(sse));
        Assert.Equal(StreamEnd.Completed, end);
        Assert.Equal(sse, written);
        Assert.Equal("Hello", tally.Content);
        Assert.Equal("stop", tally.FinishReason);
        Assert.Equal("gen-1", tally.Id);
        Assert.Equal("m/x", tally.Model);
        Assert.Contains("\"cost\":0.001", tally.UsageJson);
    }

    [Fact]
    public async Task UpstreamErrorEvent_IsRelayedThenDone()
    {
        const string error = "data: {\"error\":{\"code\":502,\"message\":\"provider disconnected\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";
        var (end, written, tally) = await RelayAsync(Upstream(Chunk1 + error));
        Assert.Equal(StreamEnd.UpstreamError, end);
        Assert.Equal(Chunk1 + error + Done, written);
        Assert.Equal("provider disconnected", tally.ErrorMessage);
        Assert.Equal(502, tally.ErrorCode);
    }

    [Fact]
    public async Task CutStream_EndsWithAnErrorEventAndDone()
    {
        var (end, written, tally) = await RelayAsync(Upstream(Chunk1));
        Assert.Equal(StreamEnd.Cut, end);
        Assert.StartsWith(Chunk1 + "data: {", written);
        Assert.Contains("\"finish_reason\":\"error\"", written);
        Assert.EndsWith("\n\n" + Done, written);
        Assert.Equal(502, tally.ErrorCode);
    }

    [Fact]
    public async Task StalledStream_TimesOutWith504Event()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Chunk1));
        var (end, written, tally) = await RelayAsync(pipe.Reader.AsStream(), TimeSpan.FromMilliseconds(200));
        Assert.Equal(StreamEnd.Stalled, end);
        Assert.StartsWith(Chunk1, written);
        Assert.EndsWith(Done, written);
        Assert.Equal(504, tally.ErrorCode);
        await pipe.Writer.CompleteAsync();
    }

    [Fact]
    public async Task EventsSplitAcrossReads_AreReassembled()
    {
        var pipe = new Pipe();
        var relay = RelayAsync(pipe.Reader.AsStream());
        var all = Encoding.UTF8.GetBytes(Chunk1 + Chunk2 + Usage + Done);
        for (var i = 0; i < all.Length; i += 7)
        {
            await pipe.Writer.WriteAsync(all.AsMemory(i, Math.Min(7, all.Length - i)));
        }
        await pipe.Writer.CompleteAsync();
        var (end, written, tally) = await relay;
        Assert.Equal(StreamEnd.Completed, end);
        Assert.Equal(Chunk1 + Chunk2 + Usage + Done, written);
        Assert.Equal("Hello", tally.Content);
    }

    [Fact]
    public void TryTakeEvent_AcceptsCrlfEvents()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("data: a\r\n\r\ndata: b\n\npartial"));
        Assert.True(StreamRelay.TryTakeEvent(ref buffer, out var first));
        Assert.Equal("data: a\r\n\r\n", Encoding.UTF8.GetString(first.ToArray()));
        Assert.True(StreamRelay.TryTakeEvent(ref buffer, out var second));
        Assert.Equal("data: b\n\n", Encoding.UTF8.GetString(second.ToArray()));
        Assert.False(StreamRelay.TryTakeEvent(ref buffer, out _));
        Assert.Equal("partial", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    [Fact]
    public void LegacyTextChunks_AreAssembled()
    {
        var tally = new StreamTally();
        tally.Observe("data: {\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"ab\",\"finish_reason\":null}]}"u8);
        tally.Observe("data: {\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":\"c\",\"finish_reason\":\"length\"}]}"u8);
        Assert.Equal("abc", tally.Content);
        Assert.Equal("length", tally.FinishReason);
    }
}
