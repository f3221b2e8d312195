using System.Net;
using System.Text.Json;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Logging;

public sealed class JsonLogTests
{
    private const string ClientKey = "client-key-secret-0001";

    private static async Task<List<JsonElement>> ReadLogAsync(TestRouter router, Func<List<JsonElement>, bool> until)
    {
        var path = Path.Combine(router.Directory, "router.log.json");
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var lines = new List<JsonElement>();
            if (File.Exists(path))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                var text = await reader.ReadToEndAsync();
                // The sink writes in the background: only lines that are complete count.
                foreach (var line in text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    lines.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
            if (until(lines) || bound.IsCancellationRequested)
            {
                return lines;
            }
            await Task.Delay(50);
        }
    }

    private static string? Prop(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;

    [Fact]
    public async Task EveryRequest_HasOneJsonLineWithBothBodies_AndNoSecret()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["ROUTER_API_KEYS"] = ClientKey });
        var marker = Guid.NewGuid().ToString("N");
        // A client that pastes keys into its prompt: both must be masked in the record.
        var leaky = $$"""{"model":"test/log-{{marker}}","messages":[{"role":"user","content":"my keys: {{TestRouter.UpstreamKey}} and {{ClientKey}} and sk-or-v1-abcdef-abcdef-abcdef-abcdef0123"}]}""";

        using var chat = await router.PostJsonAsync("v1/chat/completions", leaky, ClientKey);
        using var stream = await router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"test/log-stream-{{marker}}","stream":true,"messages":[{"role":"user","content":"stream {{marker}}"}]}""", ClientKey);
        var streamed = await stream.Content.ReadAsStringAsync();
        using var bad = await router.PostJsonAsync("v1/chat/completions", $$"""{"model":"bad-{{marker}}"}""", ClientKey);
        using var failed = await router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"fake/error-402","messages":[{"role":"user","content":"{{marker}}"}]}""", ClientKey);

        var ids = new[] { chat, stream, bad, failed }.Select(r => r.Headers.GetValues("X-Request-Id").Single()).ToList();
        var lines = await ReadLogAsync(router, l => ids.All(id => l.Any(x => Prop(x, "RequestId") == id)));
        var byId = ids.ToDictionary(id => id, id => Assert.Single(lines, l => Prop(l, "RequestId") == id && Prop(l, "RequestBody") is not null));

        var chatLine = byId[ids[0]];
        Assert.Equal("200", Prop(chatLine, "Status"));
        Assert.Equal("/v1/chat/completions", Prop(chatLine, "Endpoint"));
        Assert.Equal("key-1", Prop(chatLine, "KeyLabel"));
        Assert.Contains("my keys: [REDACTED] and [REDACTED] and [REDACTED]", Prop(chatLine, "RequestBody"));
        Assert.Contains("echo: my keys", Prop(chatLine, "ResponseBody"));
        Assert.NotNull(Prop(chatLine, "DurationMs"));

        var streamLine = byId[ids[1]];
        Assert.Contains($"echo: stream {marker}", Prop(streamLine, "ResponseBody"));
        Assert.Contains("\"cost\":0.00042", Prop(streamLine, "ResponseBody"));
        Assert.Equal("400", Prop(byId[ids[2]], "Status"));
        Assert.Equal("402", Prop(byId[ids[3]], "Status"));

        var whole = await File.ReadAllTextAsync(Path.Combine(router.Directory, "router.log.json"));
        Assert.DoesNotContain(TestRouter.UpstreamKey, whole);
        Assert.DoesNotContain(ClientKey, whole);
        Assert.DoesNotContain("sk-or-v1-abcdef", whole);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
    }

    [Fact]
    public async Task LogFile_RollsOverBySizeBesideTheConfiguredPath()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?>
        {
            ["LOG_FILE_MAX_BYTES"] = "4096",
            ["LOG_FILE_COUNT"] = "3",
        });
        var filler = new string('z', 3000);
        for (var i = 0; i < 8; i++)
        {
            using var _ = await router.PostJsonAsync("v1/chat/completions",
                $$"""{"model":"test/roll","messages":[{"role":"user","content":"{{filler}}"}]}""");
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        string[] files;
        do
        {
            await Task.Delay(50);
            files = Directory.GetFiles(router.Directory, "router.log*.json");
        }
        while (files.Length < 3 && !bound.IsCancellationRequested);

        Assert.InRange(files.Length, 2, 3);
    }
}
