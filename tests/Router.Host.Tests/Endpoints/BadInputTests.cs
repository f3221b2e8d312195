using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class BadInputTests
{
    [Theory]
    [InlineData("v1/chat/completions", "{\"model\":\"m\",\"messages\":[", "invalid_json", null)]
    [InlineData("v1/chat/completions", "{\"model\":\"m\"}", "missing_required_parameter", "messages")]
    [InlineData("v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}", null, "messages")]
    [InlineData("v1/completions", "{\"model\":\"m\"}", "missing_required_parameter", "prompt")]
    [InlineData("v1/completions", "[\"prompt\"]", "invalid_json", null)]
    public async Task InvalidBodies_Get400AndAreNotForwarded(string path, string body, string? code, string? param)
    {
        await using var router = await TestRouter.StartAsync();

        using var response = await router.PostJsonAsync(path, body);

        var error = await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 400);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }
        if (param is not null)
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }
        Assert.Empty(router.Fake.Requests);
    }

    [Fact]
    public async Task WrongContentType_Gets415()
    {
        await using var router = await TestRouter.StartAsync();
        using var content = new StringContent("""{"messages":[{"role":"user","content":"x"}]}""", Encoding.UTF8, "text/plain");

        using var response = await router.Http.PostAsync("v1/chat/completions", content);

        await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 415);
        Assert.Empty(router.Fake.Requests);
    }

    [Fact]
    public async Task BodyOverTheCap_Gets413WithAndWithoutContentLength()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = "4096" });
        var big = $$"""{"model":"m","messages":[{"role":"user","content":"{{new string('a', 10_000)}}"}]}""";

        using var withLength = await router.PostJsonAsync("v1/chat/completions", big);
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        using var withoutLength = await router.Http.SendAsync(chunked);

        await UpstreamErrorTests.AssertOpenAiErrorAsync(withLength, 413);
        await UpstreamErrorTests.AssertOpenAiErrorAsync(withoutLength, 413);
        Assert.Empty(router.Fake.Requests);
    }

    [Fact]
    public async Task HugeBodyDeclaredUpFront_IsRefusedWithoutBeingRead()
    {
        await using var router = await TestRouter.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            // Claims 1 GiB but sends only a little: a router that tried to read it would hang here.
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"messages\":"))),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentLength = 1L << 30;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        HttpResponseMessage? response = null;
        try
        {
            response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 413);
        }
        catch (HttpRequestException)
        {
            // The router may close the connection right after its 413 while the client is still sending.
            Assert.False(cts.IsCancellationRequested);
        }
        finally
        {
            response?.Dispose();
        }
        Assert.Empty(router.Fake.Requests);
    }

    [Fact]
    public async Task UnknownV1Route_Gets404InOpenAiShape()
    {
        await using var router = await TestRouter.StartAsync();
        using var response = await router.Http.GetAsync("v1/embeddings/nope");
        await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 404);
    }

    [Fact]
    public async Task MissingOpenRouterKey_StartsAnyway_AndV1AnswersClearly()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["OPENROUTER_API_KEY"] = "" });

        var health = await router.Http.GetStringAsync("health");
        using var response = await router.PostJsonAsync("v1/chat/completions", """{"messages":[{"role":"user","content":"x"}]}""");

        var error = await UpstreamErrorTests.AssertOpenAiErrorAsync(response, 503);
        Assert.Equal("upstream_not_configured", error.GetProperty("code").GetString());
        Assert.Contains("OPENROUTER_API_KEY", error.GetProperty("message").GetString());
        Assert.Contains("\"openRouterKeyConfigured\":false", health);
        Assert.Empty(router.Fake.Requests);
    }
}
