using System.Text.Json;
using OaiRouter.Host.Tests.Support;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Media;

/// <summary>
/// A link to a video page (HTML with a <c>&lt;video&gt;</c>) through the whole router: the probe sees the page,
/// Debian's yt-dlp (generic extractor, through the router's checking proxy) downloads the clip, ffmpeg and the
/// Whisper stub digest it, and the fake OpenRouter receives the digest instead of the link.
/// </summary>
public sealed class VideoPageEndToEndTests(MediaRouterFixture fixture) : IClassFixture<MediaRouterFixture>
{
    private TestRouter Router => fixture.Router;
    private MediaFilesServer Files => fixture.Files;

    [Fact]
    public async Task VideoPageLinkInText_ArrivesAsTranscriptNoteAndTimestampedFrames_AndIsRecorded()
    {
        var marker = "m" + Guid.NewGuid().ToString("N");
        var page = Files.Url($"/watch/{marker}.html");
        var chat = OpenAiClients.Chat(Router, "meta-llama/llama-3.1-8b-instruct");

        var result = await chat.CompleteChatAsync([new UserChatMessage($"What happens in {page}?")]);

        // The fake echoes every text part it received: the question, then the digest.
        Assert.StartsWith($"echo: What happens in {page}?Video: {page}", result.Value.Content[0].Text);
        // The clip's only link is inside the page: fetching it means yt-dlp read the page.
        Assert.True(Files.Hits($"/watch/{marker}/clip.mp4") >= 1, "the clip behind the page was never fetched");
        var received = Assert.Single(MediaSettings.UpstreamWith(Router, marker));
        var body = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(MediaRouterFixture.VisionModel, body.GetProperty("model").GetString());
        var parts = body.GetProperty("messages")[0].GetProperty("content").EnumerateArray().ToList();
        Assert.Equal($"What happens in {page}?", parts[0].GetProperty("text").GetString());
        var description = parts[1].GetProperty("text").GetString()!;
        Assert.StartsWith($"Video: {page}\nDuration: 6.0 s\n", description);
        // The stub model hears nothing; the transcript section says so rather than being left out.
        Assert.Contains("No transcript was made: no speech was recognised in the audio", description);
        Assert.Contains("Frames: 3", description);
        var frames = parts.Skip(2).ToList();
        Assert.Equal(6, frames.Count);
        for (var i = 0; i < frames.Count; i += 2)
        {
            Assert.Equal($"Frame at 00:0{i}.0", frames[i].GetProperty("text").GetString());
            Assert.Equal("image_url", frames[i + 1].GetProperty("type").GetString());
            Assert.StartsWith("data:image/jpeg;base64,", frames[i + 1].GetProperty("image_url").GetProperty("url").GetString());
        }

        Assert.DoesNotContain("clip.mp4", received.Body);

        var id = result.GetRawResponse().Headers.TryGetValue("X-Request-Id", out var header) ? header! : throw new InvalidOperationException("no X-Request-Id");
        var row = await MediaSettings.FinishedRowAsync(Router, id);
        Assert.Equal(200, row.Status);
        Assert.Equal("requested model is text-only: vision model", row.RoutingReason);
        var media = row.Media!.Value;
        Assert.Equal(1, media.GetProperty("videos").GetInt32());
        Assert.Equal(0, media.GetProperty("images").GetInt32());
        Assert.Equal(3, media.GetProperty("frames_sent").GetInt32());
        var item = Assert.Single(media.GetProperty("items").EnumerateArray());
        Assert.Equal("video", item.GetProperty("kind").GetString());
        Assert.Equal(page, item.GetProperty("url").GetString());
        Assert.Equal(3, item.GetProperty("frames").GetInt32());
        Assert.True(item.GetProperty("bytes_fetched").GetInt64() > 10_000);
    }
}
