using System.Net;
using OaiRouter.Host.Tests.Support;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Records;

public sealed class RecordEndToEndTests
{
    private const string ClientKey = "record-client-key-0001";

    private static string Id(HttpResponseMessage response) => response.Headers.GetValues("X-Request-Id").Single();

    [Fact]
    public async Task MixedRun_EveryRequestIsInTheDatabaseWithItsFields_AndNoSecret()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["ROUTER_API_KEYS"] = ClientKey });
        var marker = Guid.NewGuid().ToString("N");
        var ids = new List<string>();

        using var chat = await router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"test/rec-chat","messages":[{"role":"user","content":"chat {{marker}} {{TestRouter.UpstreamKey}}"}]}""", ClientKey);
        using var legacy = await router.PostJsonAsync("v1/completions", $$"""{"model":"test/rec-legacy","prompt":"legacy {{marker}}"}""", ClientKey);
        using var stream = await router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"test/rec-stream","stream":true,"messages":[{"role":"user","content":"stream {{marker}}"}]}""", ClientKey);
        await stream.Content.ReadAsStringAsync();
        using var tools = await router.PostJsonAsync("v1/chat/completions",
            """{"model":"fake/tools","messages":[{"role":"user","content":"weather"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""", ClientKey);
        using var failed = await router.PostJsonAsync("v1/chat/completions",
            """{"model":"fake/error-402","messages":[{"role":"user","content":"pay"}]}""", ClientKey);
        using var bad = await router.PostJsonAsync("v1/chat/completions", "{\"model\":", ClientKey);
        ids.AddRange([Id(chat), Id(legacy), Id(stream), Id(tools), Id(failed), Id(bad)]);

        var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            router.PostJsonAsync("v1/chat/completions", $$"""{"model":"test/rec-burst","messages":[{"role":"user","content":"burst {{i}}"}]}""", ClientKey)));
        ids.AddRange(burst.Select(Id));
        Assert.All(burst, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var db = RequestsTable.DatabasePath(router);
        var rows = await RequestsTable.WaitForFinishedAsync(db, ids, TimeSpan.FromSeconds(60));
        Assert.Equal(ids.Count, rows.Count);

        var c = rows[Id(chat)];
        Assert.Equal("/v1/chat/completions", c["endpoint"]);
        Assert.Equal("completed", c["outcome"]);
        Assert.Equal(200L, c["status"]);
        Assert.Equal("key-1", c["key_label"]);
        Assert.Equal("test/rec-chat", c["model_requested"]);
        Assert.Equal("test/rec-chat", c["model_answered"]);
        Assert.Equal(11L, c["prompt_tokens"]);
        Assert.Equal(7L, c["completion_tokens"]);
        Assert.Equal(18L, c["total_tokens"]);
        Assert.Equal(2L, c["cached_tokens"]);
        Assert.Equal(1L, c["reasoning_tokens"]);
        Assert.Equal(0.00042, (double)c["cost_usd"]!, 8);
        Assert.Equal("response", c["cost_source"]);
        Assert.StartsWith("gen-", (string)c["generation_id"]!);
        Assert.Equal("stop", c["finish_reason"]);
        Assert.True((double)c["latency_ms"]! > 0);
        Assert.True((long)c["bytes_out"]! > 0);
        Assert.Contains($"chat {marker} [REDACTED]", (string)c["request_body"]!);
        Assert.Contains("echo: chat", (string)c["response_body"]!);

        Assert.Equal("/v1/completions", rows[Id(legacy)]["endpoint"]);
        Assert.Contains($"echo: legacy {marker}", (string)rows[Id(legacy)]["response_body"]!);

        var s = rows[Id(stream)];
        Assert.Equal(1L, s["stream"]);
        Assert.Contains($"echo: stream {marker}", (string)s["response_body"]!);
        Assert.Equal(0.00042, (double)s["cost_usd"]!, 8);
        Assert.Equal(18L, s["total_tokens"]);

        Assert.Equal("tool_calls", rows[Id(tools)]["finish_reason"]);
        var f = rows[Id(failed)];
        Assert.Equal("failed", f["outcome"]);
        Assert.Equal(402L, f["status"]);
        Assert.Equal("fake upstream error 402", f["error_message"]);
        Assert.Equal(400L, rows[Id(bad)]["status"]);

        var everything = RequestsTable.AllText(db);
        Assert.DoesNotContain(TestRouter.UpstreamKey, everything);
        Assert.DoesNotContain(ClientKey, everything);
        foreach (var r in burst)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task EventsPendingAtShutdown_AreFlushed_AndTheProjectionCatchesUpOnRestart()
    {
        var fake = await OaiRouter.FakeOpenRouter.FakeOpenRouterServer.StartAsync();
        await using var _ = fake;
        var directory = Directory.CreateTempSubdirectory("oai-restart").FullName;
        var settings = new Dictionary<string, string?> { ["DATABASE_URL"] = "sqlite:///" + Path.Combine(directory, "r.db") };
        List<string> ids;

        var first = await TestRouter.StartAsync(settings, fake);
        try
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
                first.PostJsonAsync("v1/chat/completions", $$"""{"model":"test/restart","messages":[{"role":"user","content":"r{{i}}"}]}""")));
            ids = [.. responses.Select(Id)];
        }
        finally
        {
            // Stop at once: events still on their way to the journal must be written before exit.
            await first.DisposeAsync();
        }

        await using var second = await TestRouter.StartAsync(settings, fake);
        var rows = await RequestsTable.WaitForFinishedAsync(Path.Combine(directory, "r.db"), ids, TimeSpan.FromSeconds(60));
        Assert.Equal(ids.Count, rows.Count);
        Directory.Delete(directory, true);
    }
}
