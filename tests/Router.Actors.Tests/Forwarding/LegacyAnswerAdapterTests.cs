using System.Net;
using System.Text;
using System.Text.Json;
using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Actors.Tests.Forwarding;

public sealed class LegacyAnswerAdapterTests
{
    [Fact]
    public void ChatAnswer_BecomesATextCompletion_KeepingIdModelAndUsage()
    {
        var chat = """
            {"id":"gen-1","object":"chat.completion","created":1700000000,"model":"vision/model","provider":"Fake",
             "choices":[{"index":0,"message":{"role":"assistant","content":"A red square."},"finish_reason":"stop","native_finish_reason":"stop"}],
             "usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}
            """u8;

        using var doc = JsonDocument.Parse(LegacyAnswerAdapter.ToTextCompletion(chat));
        var root = doc.RootElement;

        Assert.Equal("text_completion", root.GetProperty("object").GetString());
        Assert.Equal("gen-1", root.GetProperty("id").GetString());
        Assert.Equal("vision/model", root.GetProperty("model").GetString());
        Assert.Equal("Fake", root.GetProperty("provider").GetString());
        Assert.Equal(13, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("A red square.", choice.GetProperty("text").GetString());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("stop", choice.GetProperty("native_finish_reason").GetString());
        Assert.False(choice.TryGetProperty("message", out _));
    }

    [Fact]
    public void NotJson_PassesThrough() =>
        Assert.Equal("oops"u8.ToArray(), LegacyAnswerAdapter.ToTextCompletion("oops"u8));

    [Fact]
    public async Task ChatStream_IsReadAsALegacyStream_EventByEvent()
    {
        // Split mid-event, CRLF lines, a comment, a usage chunk without choices, an error chunk and [DONE].
        var upstream = string.Concat(
            ": OPENROUTER PROCESSING\n\n",
            "data: {\"id\":\"gen-2\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\r\n\r\n",
            "data: {\"id\":\"gen-2\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"id\":\"gen-2\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[],\"usage\":{\"total_tokens\":7}}\n\n",
            "data: {\"id\":\"gen-2\",\"object\":\"chat.completion.chunk\",\"error\":{\"code\":502,\"message\":\"boom\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n",
            "data: [DONE]\n\n");
        using var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new TrickleStream(Encoding.UTF8.GetBytes(upstream), 7)),
        };
        response.Content.Headers.ContentType = new("text/event-stream");
        var opened = new UpstreamStreamOpened(response, "gen-2", 1, TimeSpan.Zero);

        var adapted = Assert.IsType<UpstreamStreamOpened>(LegacyAnswerAdapter.Adapt(opened));
        var text = await adapted.Response.Content.ReadAsStringAsync();

        Assert.Equal("text/event-stream", adapted.Response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(": OPENROUTER PROCESSING\n\n", text);
        Assert.EndsWith("data: [DONE]\n\n", text);
        Assert.Contains("\r\n\r\n", text); // line ends kept
        var chunks = text.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l["data: ".Length..].TrimEnd('\r')).RootElement).ToList();
        Assert.Equal(4, chunks.Count);
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Equal("Hello", string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("text").GetString())));
        Assert.Equal(7, chunks[2].GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("boom", chunks[3].GetProperty("error").GetProperty("message").GetString());

        // The relay's own reading of the adapted stream sees the text and the end.
        var tally = new StreamTally();
        foreach (var chunk in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            tally.Observe(Encoding.UTF8.GetBytes(chunk.Replace("\r\n", "\n")));
        }
        Assert.Equal("Hello", tally.Content);
        Assert.True(tally.SawDone);
    }

    [Fact]
    public void Errors_PassThroughUnchanged()
    {
        var failed = new UpstreamFailed(OaiRouter.Actors.Errors.RouterErrors.Create(OaiRouter.Actors.Errors.FailureKind.Internal, "x"), 1, TimeSpan.Zero);

        Assert.Same(failed, LegacyAnswerAdapter.Adapt(failed));
    }

    /// <summary>Hands out its bytes a few at a time, as a network would.</summary>
    private sealed class TrickleStream(byte[] bytes, int step) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, step));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, step)], cancellationToken);
    }
}
