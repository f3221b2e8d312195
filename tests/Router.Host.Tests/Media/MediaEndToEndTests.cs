using System.ClientModel;
using System.Net;
using System.Text.Json;
using OaiRouter.Host.Tests.Support;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Media;

/// <summary>
/// Media through the whole router: the official OpenAI SDK (or raw HTTP) in, real fetching, SkiaSharp, ffmpeg and
/// Whisper (test stub) inside, and the rewritten request checked where it arrives, at the fake OpenRouter.
/// </summary>
public sealed class MediaEndToEndTests(MediaRouterFixture fixture) : IClassFixture<MediaRouterFixture>
{
    private TestRouter Router => fixture.Router;
    private MediaFilesServer Files => fixture.Files;

    private static string Marker() => "m" + Guid.NewGuid().ToString("N");

    private static string RequestId(ClientResult result) =>
        result.GetRawResponse().Headers.TryGetValue("X-Request-Id", out var id) ? id! : throw new InvalidOperationException("no X-Request-Id");

    private static JsonElement UpstreamBody(TestRouter router, string marker)
    {
        var received = Assert.Single(MediaSettings.UpstreamWith(router, marker));
        Assert.Equal("/api/v1/chat/completions", received.Path);
        return JsonDocument.Parse(received.Body).RootElement.Clone();
    }

    private static List<JsonElement> Parts(JsonElement body) =>
        [.. body.GetProperty("messages")[0].GetProperty("content").EnumerateArray()];

    [Fact]
    public async Task ImageUrlPart_ArrivesAsANormalisedDataUrl_AtTheRequestedModelThatTakesImages()
    {
        var marker = Marker();
        var url = Files.Url($"/img/{marker}.png");
        var chat = OpenAiClients.Chat(Router, "openai/gpt-4o-mini");

        var result = await chat.CompleteChatAsync([new UserChatMessage(
            ChatMessageContentPart.CreateTextPart($"What is in this picture? {marker}"),
            ChatMessageContentPart.CreateImagePart(new Uri(url), ChatImageDetailLevel.Low))]);

        Assert.StartsWith("echo: What is in this picture?", result.Value.Content[0].Text);
        var body = UpstreamBody(Router, marker);
        Assert.Equal("openai/gpt-4o-mini", body.GetProperty("model").GetString());
        var parts = Parts(body);
        Assert.Equal(2, parts.Count);
        var image = parts[1].GetProperty("image_url");
        Assert.StartsWith("data:image/jpeg;base64,", image.GetProperty("url").GetString()); // opaque photo: JPEG
        Assert.Equal("low", image.GetProperty("detail").GetString()); // the client's detail is kept
        Assert.DoesNotContain(url, body.GetRawText());

        var row = await MediaSettings.FinishedRowAsync(Router, RequestId(result));
        Assert.Equal(200, row.Status);
        Assert.Equal("openai/gpt-4o-mini", row.ModelRouted);
        Assert.Equal("requested model accepts images", row.RoutingReason);
        Assert.True(row.MediaMs > 0);
        Assert.Equal(1, row.Media!.Value.GetProperty("images").GetInt32());
        Assert.True(row.Media.Value.GetProperty("bytes_fetched").GetInt64() > 0);
    }

    [Fact]
    public async Task BareImageUrlInText_ToATextOnlyModel_GoesToTheVisionModel()
    {
        var marker = Marker();
        // No extension: the router probes the link and the bytes say PNG.
        var url = Files.Url($"/blob/{marker}");
        var chat = OpenAiClients.Chat(Router, "meta-llama/llama-3.1-8b-instruct");

        var result = await chat.CompleteChatAsync([new UserChatMessage($"Describe {url} please")]);

        Assert.Equal($"echo: Describe {url} please", result.Value.Content[0].Text);
        var body = UpstreamBody(Router, marker);
        Assert.Equal(MediaRouterFixture.VisionModel, body.GetProperty("model").GetString());
        var parts = Parts(body);
        Assert.Equal($"Describe {url} please", parts[0].GetProperty("text").GetString());
        Assert.StartsWith("data:image/", parts[1].GetProperty("image_url").GetProperty("url").GetString());

        var row = await MediaSettings.FinishedRowAsync(Router, RequestId(result));
        Assert.Equal("meta-llama/llama-3.1-8b-instruct", row.ModelRequested);
        Assert.Equal(MediaRouterFixture.VisionModel, row.ModelRouted);
        Assert.Equal("requested model is text-only: vision model", row.RoutingReason);
        Assert.Equal(1, row.Media!.Value.GetProperty("probes").GetInt32());
    }

    [Fact]
    public async Task VideoUrlInText_ArrivesAsTranscriptNoteAndTimestampedFrames_AndLeavesNoTempFiles()
    {
        var marker = Marker();
        var url = Files.Url($"/video/{marker}.mp4");

        // Raw HTTP: no model named, so the vision model is chosen.
        using var response = await Router.PostJsonAsync("v1/chat/completions",
            $$"""{"messages":[{"role":"user","content":"Summarise {{url}}"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = UpstreamBody(Router, marker);
        Assert.Equal(MediaRouterFixture.VisionModel, body.GetProperty("model").GetString());
        var parts = Parts(body);
        Assert.Equal($"Summarise {url}", parts[0].GetProperty("text").GetString());
        var description = parts[1].GetProperty("text").GetString()!;
        Assert.StartsWith($"Video: {url}\nDuration: 6.0 s\n", description);
        // The stub model runs the whole Whisper path and hears nothing: the model is told so.
        Assert.Contains("No transcript was made: no speech was recognised in the audio", description);
        Assert.Contains("Frames: 3", description);
        Assert.Equal(["Frame at 00:00.0", "Frame at 00:02.0", "Frame at 00:04.0"],
            parts.Where(p => p.GetProperty("type").GetString() == "text").Skip(2).Select(p => p.GetProperty("text").GetString()));
        Assert.Equal(3, parts.Count(p => p.GetProperty("type").GetString() == "image_url"
            && p.GetProperty("image_url").GetProperty("url").GetString()!.StartsWith("data:image/jpeg;base64,", StringComparison.Ordinal)));

        var row = await MediaSettings.FinishedRowAsync(Router, response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal("no model named: vision model", row.RoutingReason);
        var media = row.Media!.Value;
        Assert.Equal(1, media.GetProperty("videos").GetInt32());
        Assert.Equal(3, media.GetProperty("frames_sent").GetInt32());
        Assert.Equal(0, media.GetProperty("transcript_chars").GetInt32());
        Assert.True(media.GetProperty("bytes_fetched").GetInt64() > 10_000);
        // The router's self-reported overhead leaves the media work out, as it leaves upstream out.
        var overhead = double.Parse(response.Headers.GetValues("X-Router-Overhead-Ms").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(overhead < row.MediaMs / 2, $"overhead {overhead} ms should exclude the {row.MediaMs} ms of media work");
        foreach (var stage in new[] { "download", "video_probe", "audio", "transcribe", "frames" })
        {
            Assert.True(media.GetProperty("stage_ms").TryGetProperty(stage, out _), $"no time for {stage}");
        }

        Assert.True(await Eventually.WithinAsync(() => !Directory.Exists(Path.Combine(fixture.WorkDir, "work"))
            || Directory.GetFileSystemEntries(Path.Combine(fixture.WorkDir, "work")).Length == 0, TimeSpan.FromSeconds(10)),
            "temporary files are left");
    }

    [Fact]
    public async Task MissingImage_Is400NamingTheUrl_AndNothingIsForwarded()
    {
        var marker = Marker();
        var url = Files.Url($"/img/missing/{marker}.png");

        using var response = await Router.PostJsonAsync("v1/chat/completions", $$"""
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":[
              {"type":"text","text":"look {{marker}}"},{"type":"image_url","image_url":{"url":"{{url}}"} }]}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("media_fetch_failed", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(url, error.GetProperty("message").GetString());
        Assert.Contains("404", error.GetProperty("message").GetString());
        Assert.Empty(MediaSettings.UpstreamWith(Router, marker));

        var row = await MediaSettings.FinishedRowAsync(Router, response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal(400, row.Status);
        Assert.Equal("failed", row.Outcome);
        Assert.Equal("media_fetch_failed", row.Media!.Value.GetProperty("failure").GetProperty("code").GetString());
    }

    [Fact]
    public async Task LegacyPromptWithAnImage_IsAnsweredAsTextCompletion_JsonAndStream()
    {
        var marker = Marker();
        var url = Files.Url($"/img/{marker}.png");

        using var plain = await Router.PostJsonAsync("v1/completions",
            $$"""{"model":"openai/gpt-4o-mini","prompt":"Caption {{url}}","max_tokens":5,"echo":false}""");
        var answer = JsonDocument.Parse(await plain.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("text_completion", answer.GetProperty("object").GetString());
        Assert.Equal($"echo: Caption {url}", answer.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("openai/gpt-4o-mini", answer.GetProperty("model").GetString());
        var upstream = UpstreamBody(Router, marker);
        Assert.False(upstream.TryGetProperty("prompt", out _));
        Assert.Equal(5, upstream.GetProperty("max_tokens").GetInt32());
        Assert.StartsWith("data:image/", Parts(upstream)[1].GetProperty("image_url").GetProperty("url").GetString());

        using var streamed = await Router.PostJsonAsync("v1/completions",
            $$"""{"model":"openai/gpt-4o-mini","prompt":"Stream {{url}}","stream":true}""");
        var raw = await streamed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.EndsWith("data: [DONE]\n\n", raw);
        var chunks = Sse.Chunks(raw);
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Equal($"echo: Stream {url}", string.Concat(chunks.SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Select(c => c.GetProperty("text").GetString())));
    }

    [Fact]
    public async Task SameLinkTwice_IsServedFromTheCache()
    {
        var marker = Marker();
        var path = $"/img/{marker}.png";
        var chat = OpenAiClients.Chat(Router, "openai/gpt-4o-mini");
        ChatMessage Ask() => new UserChatMessage(ChatMessageContentPart.CreateTextPart($"again {marker}"),
            ChatMessageContentPart.CreateImagePart(new Uri(Files.Url(path))));

        var first = await chat.CompleteChatAsync([Ask()]);
        var second = await chat.CompleteChatAsync([Ask()]);

        Assert.Equal(1, Files.Hits(path));
        var bodies = MediaSettings.UpstreamWith(Router, marker);
        Assert.Equal(2, bodies.Count);
        Assert.Equal(Parts(JsonDocument.Parse(bodies[0].Body).RootElement)[1].GetRawText(),
            Parts(JsonDocument.Parse(bodies[1].Body).RootElement)[1].GetRawText());
        var firstMedia = (await MediaSettings.FinishedRowAsync(Router, RequestId(first))).Media!.Value;
        var secondMedia = (await MediaSettings.FinishedRowAsync(Router, RequestId(second))).Media!.Value;
        Assert.Equal(0, firstMedia.GetProperty("cache_hits").GetInt32());
        Assert.Equal(1, secondMedia.GetProperty("cache_hits").GetInt32());
        Assert.Equal(0, secondMedia.GetProperty("bytes_fetched").GetInt64());
        Assert.True(secondMedia.GetProperty("items")[0].GetProperty("cache_hit").GetBoolean());
    }

    [Fact]
    public async Task ClientThatLeaves_CancelsItsDownload_AndNothingIsForwarded()
    {
        var marker = Marker();
        var hold = Files.HoldOf(marker);
        using var leave = new CancellationTokenSource();

        var request = Router.PostJsonAsync("v1/chat/completions", $$"""
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"wait for {{Files.Url($"/hold/{marker}.png")}}"}]}
            """, ct: leave.Token);
        await Task.WhenAny(hold.Started.Task, request).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.False(request.IsCompleted, request.IsCompletedSuccessfully ? await (await request).Content.ReadAsStringAsync() : "failed");
        Assert.True(hold.Started.Task.IsCompleted, "the held link was never fetched");
        await leave.CancelAsync();

        await hold.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        Assert.Empty(MediaSettings.UpstreamWith(Router, marker));
    }

    [Fact]
    public async Task LinkToAPage_InText_IsLeftAsText()
    {
        var marker = Marker();
        var url = Files.Url($"/page/{marker}");

        using var response = await Router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"meta-llama/llama-3.1-8b-instruct","messages":[{"role":"user","content":"What does {{url}} say?"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(MediaSettings.UpstreamWith(Router, marker));
        var body = JsonDocument.Parse(received.Body).RootElement;
        // Not media: the request goes as the client sent it, to the model it named.
        Assert.Equal("meta-llama/llama-3.1-8b-instruct", body.GetProperty("model").GetString());
        Assert.Equal($"What does {url} say?", body.GetProperty("messages")[0].GetProperty("content").GetString());
    }

}
