using System.Net;
using System.Text.Json;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Media;

/// <summary>Limits that need a router of their own: private networks refused, and a media stage sized to fill up.</summary>
public sealed class MediaLimitsTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oairouter-host-media", Guid.NewGuid().ToString("N"));
    private MediaFilesServer _files = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _files = await MediaFilesServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _files.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static JsonElement Error(string json) => JsonDocument.Parse(json).RootElement.GetProperty("error");

    [Fact]
    public async Task PrivateAddresses_AreRefusedWith400_BeforeAnyConnection_UnlessAllowed()
    {
        await using var router = await TestRouter.StartAsync(MediaSettings.For(_folder, allowPrivate: false));
        var marker = "m" + Guid.NewGuid().ToString("N");
        var loopback = _files.Url($"/img/{marker}.png");

        using var refused = await router.PostJsonAsync("v1/chat/completions", $$"""
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":[
              {"type":"text","text":"{{marker}}"},{"type":"image_url","image_url":{"url":"{{loopback}}"} }]}]}
            """);
        using var metadata = await router.PostJsonAsync("v1/chat/completions", $$"""
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"{{marker}} http://169.254.169.254/latest/meta-data/x.png"}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = Error(await refused.Content.ReadAsStringAsync());
        Assert.Equal("media_url_refused", error.GetProperty("code").GetString());
        Assert.Contains(loopback, error.GetProperty("message").GetString());
        Assert.Contains("loopback", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
        Assert.Equal("media_url_refused", Error(await metadata.Content.ReadAsStringAsync()).GetProperty("code").GetString());
        Assert.Equal(0, _files.Hits($"/img/{marker}.png"));
        Assert.Empty(MediaSettings.UpstreamWith(router, marker));
    }

    [Fact]
    public async Task FullDownloadStage_Answers503WithRetryAfter_AndTheQueuedRequestsStillComplete()
    {
        // One download at a time and one waiting: a third request finds the stage full.
        var hocon = Path.Combine(_folder, "router.hocon");
        await File.WriteAllTextAsync(hocon, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "router.hocon")) + """

            oai-router.media {
              retry-after = 2s
              downloads { parallelism = 1, queue-size = 1 }
            }
            """);
        var settings = MediaSettings.For(_folder);
        settings["ROUTER_HOCON_PATH"] = hocon;
        await using var router = await TestRouter.StartAsync(settings);
        var marker = "m" + Guid.NewGuid().ToString("N");
        Task<HttpResponseMessage> Send(string name) => router.PostJsonAsync("v1/chat/completions", $$"""
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"{{marker}} {{_files.Url($"/hold/{marker}-{name}.png")}}"}]}
            """);

        var running = Send("a");
        await _files.HoldOf($"{marker}-a").Started.Task.WaitAsync(TimeSpan.FromSeconds(15));
        // One of these two waits in the queue; the other finds it full and is answered at once.
        var b = Send("b");
        var c = Send("c");
        var answeredFirst = await Task.WhenAny(b, c).WaitAsync(TimeSpan.FromSeconds(15));
        using var refused = await answeredFirst;
        var queued = answeredFirst == b ? c : b;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("2", refused.Headers.GetValues("Retry-After").Single());
        var error = Error(await refused.Content.ReadAsStringAsync());
        Assert.Equal("media_busy", error.GetProperty("code").GetString());
        Assert.Equal("server_error", error.GetProperty("type").GetString());

        _files.ReleaseHolds();
        using var first = await running.WaitAsync(TimeSpan.FromSeconds(15));
        using var second = await queued.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, MediaSettings.UpstreamWith(router, marker).Count);
    }
}
