using System.Net;
using System.Text.Json;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class ModelsAndDocsTests
{
    [Fact]
    public async Task Models_AreUpstreamsListCachedBriefly()
    {
        await using var router = await TestRouter.StartAsync();

        var first = await router.Http.GetStringAsync("v1/models");
        var second = await router.Http.GetStringAsync("v1/models");

        using var doc = JsonDocument.Parse(first);
        var ids = doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("openai/gpt-4o-mini", ids);
        Assert.Equal(first, second);
        Assert.Equal(1, router.Fake.ModelsCalls);
    }

    [Fact]
    public async Task Models_AreFetchedAgainWhenTheCacheIsOff()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["MODELS_CACHE_SECONDS"] = "0" });
        await router.Http.GetStringAsync("v1/models");
        await router.Http.GetStringAsync("v1/models");
        Assert.Equal(2, router.Fake.ModelsCalls);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRoutersEndpoints()
    {
        await using var router = await TestRouter.StartAsync();
        using var response = await router.Http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/chat/completions", out _));
        Assert.True(paths.TryGetProperty("/v1/completions", out _));
        Assert.True(paths.TryGetProperty("/v1/models", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
    }
}
