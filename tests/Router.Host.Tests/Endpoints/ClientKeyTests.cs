using System.Net;
using OaiRouter.Host.Tests.Support;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class ClientKeyTests
{
    private const string GoodKey = "router-client-key-one";
    private const string OtherKey = "router-client-key-two";

    private static Task<TestRouter> StartAsync() =>
        TestRouter.StartAsync(new Dictionary<string, string?> { ["ROUTER_API_KEYS"] = $"{GoodKey}, {OtherKey}" });

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key-123456")]
    [InlineData("router-client-key-on")]
    public async Task MissingOrWrongKey_Gets401AndNothingIsForwarded(string? key)
    {
        await using var router = await StartAsync();
        var model = $"test/auth-{Guid.NewGuid():N}";

        using var chat = await router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"x"}]}""", key);
        using var models = await router.Http.GetAsync("v1/models");

        var error = await UpstreamErrorTests.AssertOpenAiErrorAsync(chat, 401);
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        await UpstreamErrorTests.AssertOpenAiErrorAsync(models, 401);
        Assert.Empty(router.UpstreamRequestsFor(model));
        Assert.Equal(0, router.Fake.ModelsCalls);
    }

    [Fact]
    public async Task AnyConfiguredKey_IsAccepted_AndUpstreamGetsTheRouterKey()
    {
        await using var router = await StartAsync();
        var model = $"test/auth-ok-{Guid.NewGuid():N}";

        ChatCompletion first = await OpenAiClients.Chat(router, model, GoodKey).CompleteChatAsync([new UserChatMessage("a")]);
        ChatCompletion second = await OpenAiClients.Chat(router, model, OtherKey).CompleteChatAsync([new UserChatMessage("b")]);

        Assert.Equal("echo: a", first.Content[0].Text);
        Assert.Equal("echo: b", second.Content[0].Text);
        Assert.All(router.UpstreamRequestsFor(model), r =>
        {
            Assert.Equal($"Bearer {TestRouter.UpstreamKey}", r.Headers["Authorization"]);
            Assert.DoesNotContain(GoodKey, string.Join(" ", r.Headers.Values));
        });
    }

    [Fact]
    public async Task HealthAndOpenApi_StayOpen()
    {
        await using var router = await StartAsync();
        using var health = await router.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
