using System.Net;
using System.Text;
using System.Text.Json;
using OaiRouter.Host.Tests.Support;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class ChatCompletionsTests(RouterFixture fixture) : IClassFixture<RouterFixture>
{
    private TestRouter Router => fixture.Router;

    [Fact]
    public async Task SdkChat_GetsTheUpstreamAnswer()
    {
        var model = $"test/chat-{Guid.NewGuid():N}";
        ChatCompletion completion = await OpenAiClients.Chat(Router, model).CompleteChatAsync([new UserChatMessage("hello router")]);

        Assert.Equal("echo: hello router", completion.Content[0].Text);
        Assert.Equal(model, completion.Model);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(18, completion.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Upstream_GetsRouterKeyAndAttributionButNeverTheClientKey()
    {
        var model = $"test/headers-{Guid.NewGuid():N}";
        await OpenAiClients.Chat(Router, model, apiKey: "client-secret-key-123").CompleteChatAsync([new UserChatMessage("hi")]);

        var received = Assert.Single(Router.UpstreamRequestsFor(model));
        Assert.Equal("/api/v1/chat/completions", received.Path);
        Assert.Equal($"Bearer {TestRouter.UpstreamKey}", received.Headers["Authorization"]);
        Assert.Equal("https://router.example", received.Headers["HTTP-Referer"]);
        Assert.Equal("OaiRouter Tests", received.Headers["X-Title"]);
        Assert.DoesNotContain(received.Headers, h => h.Value.Contains("client-secret-key-123"));
        Assert.DoesNotContain("client-secret-key-123", received.Body);
    }

    [Fact]
    public async Task EveryField_ReachesUpstreamUntouched()
    {
        var model = $"test/passthrough-{Guid.NewGuid():N}";
        var body = """
            {"model":"MODEL","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hi"}]},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
             {"role":"tool","tool_call_id":"call_9","content":"42"}],
             "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"integer"}}}}}],
             "tool_choice":"auto","response_format":{"type":"json_object"},"temperature":0.25,"seed":7,
             "models":["x/one","x/two"],"provider":{"order":["OpenAI"],"allow_fallbacks":false},"reasoning":{"effort":"high"},
             "plugins":[{"id":"web"}],"top_k":40,"user":"u-1","unknown_extension":{"nested":[1,2,3]}}
            """.Replace("MODEL", model);
        using var response = await Router.PostJsonAsync("v1/chat/completions", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(Router.UpstreamRequestsFor(model));
        Assert.Equal(body, received.Body);
    }

    [Fact]
    public async Task MissingModel_BecomesTheDefaultModel()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var response = await Router.PostJsonAsync("v1/chat/completions",
            $$"""{"messages":[{"role":"user","content":"{{marker}}"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(Router.Fake.Requests, r => r.Body.Contains(marker));
        using var doc = JsonDocument.Parse(received.Body);
        Assert.Equal("openai/gpt-4o-mini", doc.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task SdkStreaming_AssemblesTheWholeAnswer()
    {
        var model = $"test/stream-{Guid.NewGuid():N}";
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in OpenAiClients.Chat(Router, model).CompleteChatStreamingAsync(
            [new UserChatMessage("stream this please")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
            usage ??= update.Usage;
        }

        Assert.Equal("echo: stream this please", text.ToString());
        Assert.True(updates >= 20);
        Assert.Equal(18, usage?.TotalTokenCount);
    }

    [Fact]
    public async Task RawStream_IsRelayedEventByEventAndEndsWithDone()
    {
        var model = $"test/raw-{Guid.NewGuid():N}";
        using var response = await Router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"abc"}]}""");
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(": OPENROUTER PROCESSING\n\n", raw);
        Assert.EndsWith("data: [DONE]\n\n", raw);
        var chunks = Sse.Chunks(raw);
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(0.00042, last.GetProperty("usage").GetProperty("cost").GetDouble());
        Assert.Equal("echo: abc", string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Where(c => c.GetProperty("delta").TryGetProperty("content", out var t) && t.ValueKind == JsonValueKind.String)
            .Select(c => c.GetProperty("delta").GetProperty("content").GetString())));
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }

    [Fact]
    public async Task FiftyConcurrentRequests_EachGetTheirOwnAnswer()
    {
        var client = OpenAiClients.Chat(Router, "test/concurrent");
        var tasks = Enumerable.Range(0, 50).Select(async i =>
        {
            ChatCompletion c = await client.CompleteChatAsync([new UserChatMessage($"question {i}")]);
            return (i, c.Content[0].Text);
        });
        var answers = await Task.WhenAll(tasks);

        Assert.All(answers, a => Assert.Equal($"echo: question {a.i}", a.Text));
    }

    [Fact]
    public async Task RequestIds_AreUniquePerResponse()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await Router.PostJsonAsync("v1/chat/completions", """{"model":"test/ids","messages":[{"role":"user","content":"x"}]}""");
            using var bad = await Router.PostJsonAsync("v1/chat/completions", "{not json");
            Assert.True(ids.Add(ok.Headers.GetValues("X-Request-Id").Single()));
            Assert.True(ids.Add(bad.Headers.GetValues("X-Request-Id").Single()));
        }
    }
}
