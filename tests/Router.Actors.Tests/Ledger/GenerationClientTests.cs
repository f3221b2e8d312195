using System.Net.Http.Headers;
using System.Text;
using OaiRouter.Actors.Ledger;
using OaiRouter.FakeOpenRouter;

namespace OaiRouter.Actors.Tests.Ledger;

/// <summary>Against the fake OpenRouter on loopback.</summary>
public sealed class GenerationClientTests : IAsyncLifetime
{
    private const string Key = "sk-or-v1-generation-test";
    private readonly HttpClient _http = new();
    private FakeOpenRouterServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenRouterServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    private GenerationClient Client(string key = Key) => new(_http, _fake.BaseUrl, key, TimeSpan.FromSeconds(5));

    [Fact]
    public async Task KnownGeneration_GivesItsCostAndNativeTokens()
    {
        var id = await CreateGenerationAsync();
        var found = Assert.IsType<GenerationFound>(await Client().LookupAsync(id, CancellationToken.None));
        Assert.Equal(new GenerationFound(0.00042, 11, 7, 1, 2), found);
        Assert.Equal(1, _fake.GenerationCalls);
    }

    [Fact]
    public async Task UnknownGeneration_IsNotReadyYet() =>
        Assert.Equal(new GenerationNotReady(404), await Client().LookupAsync("gen-unknown", CancellationToken.None));

    [Fact]
    public async Task MissingKey_IsRefused() =>
        Assert.Equal(401, Assert.IsType<GenerationRefused>(await Client("").LookupAsync("gen-x", CancellationToken.None)).Status);

    [Fact]
    public async Task NothingListening_IsUnavailable()
    {
        var client = new GenerationClient(_http, new Uri("http://127.0.0.1:1/api/v1"), Key, TimeSpan.FromSeconds(5));
        Assert.IsType<GenerationUnavailable>(await client.LookupAsync("gen-x", CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"data":{"id":"g","total_cost":0.5,"tokens_prompt":3,"tokens_completion":4}}""", true)]
    [InlineData("""{"data":{"id":"g"}}""", false)]
    [InlineData("""{"data":null}""", false)]
    [InlineData("""not json""", false)]
    public void Parse_NeedsACost(string json, bool found)
    {
        var result = GenerationClient.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(found, result is not null);
        if (result is not null)
        {
            Assert.Equal(new GenerationFound(0.5, 3, 4, null, null), result);
        }
    }

    private async Task<string> CreateGenerationAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _fake.BaseUrl + "/chat/completions")
        {
            Content = new StringContent("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("X-Generation-Id").Single();
    }
}
