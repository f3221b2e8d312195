using System.ClientModel;
using System.Net;
using System.Text.Json;
using OaiRouter.Host.Tests.Support;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class UpstreamErrorTests(RouterFixture fixture) : IClassFixture<RouterFixture>
{
    private TestRouter Router => fixture.Router;

    internal static async Task<JsonElement> AssertOpenAiErrorAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("X-Request-Id"));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        foreach (var key in new[] { "message", "type", "param", "code" })
        {
            Assert.True(error.TryGetProperty(key, out _), $"error.{key} is missing");
        }
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        return error;
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "insufficient_quota")]
    [InlineData(403, "permission_error")]
    [InlineData(408, "timeout_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(502, "server_error")]
    [InlineData(503, "server_error")]
    [InlineData(524, "server_error")]
    [InlineData(529, "server_error")]
    public async Task UpstreamErrorStatus_IsKeptWithItsMessage(int status, string type)
    {
        // Retried statuses are tried three times by default; every try fails the same way.
        using var response = await Router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"fake/error-{{status}}","messages":[{"role":"user","content":"x"}]}""");

        var error = await AssertOpenAiErrorAsync(response, status);
        Assert.Equal($"fake upstream error {status}", error.GetProperty("message").GetString());
        Assert.Equal(type, error.GetProperty("type").GetString());
        if (status == 429)
        {
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        }
    }

    [Fact]
    public async Task ErrorInside200_IsAnError()
    {
        using var response = await Router.PostJsonAsync("v1/chat/completions",
            """{"model":"fake/error-in-200","messages":[{"role":"user","content":"x"}]}""");

        var error = await AssertOpenAiErrorAsync(response, 502);
        Assert.Equal("provider returned error", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task SdkSeesTheStatusAsItsException()
    {
        var client = OpenAiClients.Chat(Router, "fake/error-402");
        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("x")]));
        Assert.Equal(402, ex.Status);
        Assert.Contains("fake upstream error 402", ex.Message);
    }

    [Fact]
    public async Task ErrorAfterFirstToken_IsRelayedAsSseErrorThenDone()
    {
        using var response = await Router.PostJsonAsync("v1/chat/completions",
            """{"model":"fake/stream-error-after-token","stream":true,"messages":[{"role":"user","content":"hello there"}]}""");
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = Sse.Chunks(raw);
        var errorChunk = Assert.Single(chunks, c => c.TryGetProperty("error", out _));
        Assert.Equal("provider disconnected", errorChunk.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("error", errorChunk.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.EndsWith("data: [DONE]\n\n", raw);
    }

    [Fact]
    public async Task CutStream_EndsWithAnErrorEventAndDone()
    {
        using var response = await Router.PostJsonAsync("v1/chat/completions",
            """{"model":"fake/stream-cut","stream":true,"messages":[{"role":"user","content":"hello there"}]}""");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // On a loaded machine the reset can reach the router before it read the headers: then
            // nothing was sent yet and the client gets a plain 502 instead of a stream.
            await AssertOpenAiErrorAsync(response, 502);
            return;
        }
        var raw = await response.Content.ReadAsStringAsync();

        var errorChunk = Assert.Single(Sse.Chunks(raw), c => c.TryGetProperty("error", out _));
        Assert.Equal(502, errorChunk.GetProperty("error").GetProperty("code").GetInt32());
        Assert.EndsWith("data: [DONE]\n\n", raw);
    }
}
