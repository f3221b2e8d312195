using System.Net;
using System.Text.Json;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class LegacyCompletionsTests(RouterFixture fixture) : IClassFixture<RouterFixture>
{
    private TestRouter Router => fixture.Router;

    [Fact]
    public async Task LegacyCompletion_IsForwardedToUpstreamCompletions()
    {
        var model = $"test/legacy-{Guid.NewGuid():N}";
        using var response = await Router.PostJsonAsync("v1/completions",
            $$"""{"model":"{{model}}","prompt":"once upon","max_tokens":5,"echo":false,"suffix":null}""");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text_completion", doc.RootElement.GetProperty("object").GetString());
        Assert.Equal("echo: once upon", doc.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        var received = Assert.Single(Router.UpstreamRequestsFor(model));
        Assert.Equal("/api/v1/completions", received.Path);
    }

    [Fact]
    public async Task LegacyStream_RelaysTextChunksAndDone()
    {
        var model = $"test/legacy-stream-{Guid.NewGuid():N}";
        using var response = await Router.PostJsonAsync("v1/completions",
            $$"""{"model":"{{model}}","prompt":"tell me","stream":true}""");
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", raw);
        var chunks = Sse.Chunks(raw);
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        var text = string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Select(c => c.TryGetProperty("text", out var t) ? t.GetString() : ""));
        Assert.Equal("echo: tell me", text);
    }
}
