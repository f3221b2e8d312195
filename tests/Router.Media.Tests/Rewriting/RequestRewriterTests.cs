using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Detection;
using OaiRouter.Media.Rewriting;

namespace OaiRouter.Media.Tests.Rewriting;

public sealed class RequestRewriterTests
{
    private static readonly NormalizedImage Cat = new("image/jpeg", [1, 2, 3], 10, 10, 100, FromCache: false);
    private const string CatDataUrl = "data:image/jpeg;base64,AQID";

    private static readonly VideoDigest Clip = new(
        "https://example.com/clip.mp4",
        TimeSpan.FromSeconds(12.34),
        [new VideoFrame(TimeSpan.FromSeconds(0), [9], 64, 36), new VideoFrame(TimeSpan.FromSeconds(4), [8], 64, 36)],
        [
            new TranscriptSegment(TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(3.4), " Hello there. "),
            new TranscriptSegment(TimeSpan.FromSeconds(3.4), TimeSpan.FromSeconds(65.06), "Bye."),
        ],
        TranscriptNote: null,
        BytesFetched: 1000,
        FromCache: false,
        new Dictionary<string, double>());

    private static JsonNode Rewrite(string json, ResolvedMedia resolved, string model = "vision-model")
    {
        var body = Encoding.UTF8.GetBytes(json);
        using var document = JsonDocument.Parse(body, RequestJson.Options);
        var references = MediaDetector.Detect(document.RootElement);
        return JsonNode.Parse(RequestRewriter.Rewrite(body, references, resolved, model), documentOptions: RequestJson.Options)!;
    }

    private static ResolvedMedia Images(params (string Url, NormalizedImage Image)[] images) =>
        new(images.ToDictionary(i => i.Url, i => i.Image), new Dictionary<string, VideoDigest>());

    private static ResolvedMedia Videos(params (string Url, VideoDigest Digest)[] videos) =>
        new(new Dictionary<string, NormalizedImage>(), videos.ToDictionary(v => v.Url, v => v.Digest));

    [Fact]
    public void DeeplyNestedBody_ThatPassesValidation_IsRewritten()
    {
        // A tool schema nested 100 levels: past System.Text.Json's default depth of 64.
        var schema = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        var result = Rewrite(
            """{"model":"gpt-x","tools":[{"type":"function","function":{"name":"f","parameters":"""
            + schema
            + """}}],"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/cat"}}]}]}""",
            Images(("https://example.com/cat", Cat)));

        Assert.Equal(CatDataUrl, (string?)result["messages"]![0]!["content"]![0]!["image_url"]!["url"]);
    }

    [Fact]
    public void ImageUrlPart_GetsDataUrl_KeepingDetailAndTheRest()
    {
        var result = Rewrite("""
            {"model":"gpt-x","temperature":0.70,"provider":{"order":["a"]},"messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":[
                {"type":"text","text":"what is this?"},
                {"type":"image_url","image_url":{"url":"https://example.com/cat","detail":"high"}}]}]}
            """, Images(("https://example.com/cat", Cat)));

        Assert.Equal("vision-model", (string?)result["model"]);
        Assert.Equal("0.70", result["temperature"]!.ToJsonString());
        Assert.Equal("""{"order":["a"]}""", result["provider"]!.ToJsonString());
        Assert.Equal("be brief", (string?)result["messages"]![0]!["content"]);
        var parts = result["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(2, parts.Count);
        Assert.Equal("what is this?", (string?)parts[0]!["text"]);
        Assert.Equal(CatDataUrl, (string?)parts[1]!["image_url"]!["url"]);
        Assert.Equal("high", (string?)parts[1]!["image_url"]!["detail"]);
    }

    [Fact]
    public void ImageUrlPart_StringForm_BecomesObject()
    {
        var result = Rewrite("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://example.com/cat"}]}]}""",
            Images(("https://example.com/cat", Cat)));
        Assert.Equal(CatDataUrl, (string?)result["messages"]![0]!["content"]![0]!["image_url"]!["url"]);
    }

    [Fact]
    public void BareImageUrlInStringContent_BecomesTextPlusImagePart()
    {
        var result = Rewrite("""{"model":"m","messages":[{"role":"user","content":"What is in https://example.com/cat.png? Thanks"}]}""",
            Images(("https://example.com/cat.png", Cat)));

        var parts = result["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(2, parts.Count);
        Assert.Equal("text", (string?)parts[0]!["type"]);
        Assert.Equal("What is in https://example.com/cat.png? Thanks", (string?)parts[0]!["text"]);
        Assert.Equal("image_url", (string?)parts[1]!["type"]);
        Assert.Equal(CatDataUrl, (string?)parts[1]!["image_url"]!["url"]);
    }

    [Fact]
    public void BareUrlInTextPart_ImageInsertedRightAfterIt()
    {
        var result = Rewrite("""
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"text","text":"first https://example.com/cat.png"},
              {"type":"text","text":"second"}]}]}
            """, Images(("https://example.com/cat.png", Cat)));

        var parts = result["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(["text", "image_url", "text"], parts.Select(p => (string?)p!["type"]));
        Assert.Equal("second", (string?)parts[2]!["text"]);
    }

    [Fact]
    public void SameUrlTwiceInOneText_ImageAddedOnce()
    {
        var result = Rewrite("""{"model":"m","messages":[{"role":"user","content":"https://example.com/cat.png vs https://example.com/cat.png"}]}""",
            Images(("https://example.com/cat.png", Cat)));
        Assert.Equal(2, result["messages"]![0]!["content"]!.AsArray().Count);
    }

    [Fact]
    public void VideoInText_TextPartThenLabelledFrames()
    {
        var result = Rewrite("""{"model":"m","stream":true,"messages":[{"role":"user","content":"Summarise https://example.com/clip.mp4"}]}""",
            Videos(("https://example.com/clip.mp4", Clip)));

        Assert.True((bool)result["stream"]!);
        var parts = result["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(["text", "text", "text", "image_url", "text", "image_url"], parts.Select(p => (string?)p!["type"]));
        Assert.Equal("Summarise https://example.com/clip.mp4", (string?)parts[0]!["text"]);
        Assert.Equal(
            "Video: https://example.com/clip.mp4\nDuration: 12.3 s\nTranscript:\n[00:01.2–00:03.4] Hello there.\n[00:03.4–01:05.1] Bye.\nFrames: 2, below in order, each after its time.",
            (string?)parts[1]!["text"]);
        Assert.Equal("Frame at 00:00.0", (string?)parts[2]!["text"]);
        Assert.Equal("data:image/jpeg;base64,CQ==", (string?)parts[3]!["image_url"]!["url"]);
        Assert.Equal("Frame at 00:04.0", (string?)parts[4]!["text"]);
    }

    [Fact]
    public void VideoUrlPart_ReplacedByVideoParts()
    {
        var result = Rewrite("""
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"text","text":"what happens?"},
              {"type":"video_url","video_url":{"url":"https://example.com/clip.mp4"}}]}]}
            """, Videos(("https://example.com/clip.mp4", Clip)));

        var parts = result["messages"]![0]!["content"]!.AsArray();
        Assert.DoesNotContain(parts, p => (string?)p!["type"] == "video_url");
        Assert.Equal(["text", "text", "text", "image_url", "text", "image_url"], parts.Select(p => (string?)p!["type"]));
    }

    [Fact]
    public void VideoWithoutTranscript_SaysWhy()
    {
        var silent = Clip with { Transcript = [], TranscriptNote = "no Whisper model is configured (WHISPER_MODEL_PATH)." };
        var result = Rewrite("""{"model":"m","messages":[{"role":"user","content":"https://example.com/clip.mp4"}]}""",
            Videos(("https://example.com/clip.mp4", silent)));
        var text = (string?)result["messages"]![0]!["content"]![1]!["text"];
        Assert.Contains("No transcript was made: no Whisper model is configured (WHISPER_MODEL_PATH).", text);
        Assert.DoesNotContain("Transcript:", text);
    }

    [Fact]
    public void UnresolvedLinks_LeftAsTheyWere()
    {
        const string json = """{"model":"m","messages":[{"role":"user","content":"see https://example.com/page and https://example.com/cat.png"}]}""";
        var result = Rewrite(json, ResolvedMedia.Empty);
        Assert.Equal("see https://example.com/page and https://example.com/cat.png", (string?)result["messages"]![0]!["content"]);
        Assert.Equal("vision-model", (string?)result["model"]);
    }

    [Fact]
    public void OnlyTargetedMessagesChange_NonAsciiTextKeptReadable()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"assistant","content":"déjà vu ✓"},{"role":"user","content":"https://example.com/cat.png"}]}""");
        using var document = JsonDocument.Parse(body);
        var rewritten = Encoding.UTF8.GetString(RequestRewriter.Rewrite(body, MediaDetector.Detect(document.RootElement),
            Images(("https://example.com/cat.png", Cat)), "v"));
        Assert.Contains("déjà vu ✓", rewritten);
        Assert.Contains("base64,AQID", rewritten);
    }

    [Fact]
    public void Base64IsNotEscaped()
    {
        var plus = new NormalizedImage("image/png", [0xFB, 0xEF, 0xFF], 1, 1, 3, false); // base64 "++//"
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"https://example.com/p.png"}]}""");
        using var document = JsonDocument.Parse(body);
        var rewritten = Encoding.UTF8.GetString(RequestRewriter.Rewrite(body, MediaDetector.Detect(document.RootElement),
            Images(("https://example.com/p.png", plus)), "v"));
        Assert.Contains("base64,++//", rewritten);
    }

    [Fact]
    public void LegacyPrompt_BecomesChatBody_KeepingSharedFields()
    {
        var result = Rewrite("""
            {"model":"text-model","prompt":"Describe https://example.com/cat.png","max_tokens":50,"temperature":0.2,
             "stream":true,"stop":["\n"],"echo":false,"suffix":"x","best_of":2,"logprobs":3,"user":"u1","n":1}
            """, Images(("https://example.com/cat.png", Cat)));

        Assert.Equal("vision-model", (string?)result["model"]);
        foreach (var dropped in new[] { "prompt", "echo", "suffix", "best_of", "logprobs" })
        {
            Assert.False(result.AsObject().ContainsKey(dropped), dropped);
        }

        foreach (var kept in new[] { "max_tokens", "temperature", "stream", "stop", "user", "n" })
        {
            Assert.True(result.AsObject().ContainsKey(kept), kept);
        }

        var message = Assert.Single(result["messages"]!.AsArray())!;
        Assert.Equal("user", (string?)message["role"]);
        var parts = message["content"]!.AsArray();
        Assert.Equal("Describe https://example.com/cat.png", (string?)parts[0]!["text"]);
        Assert.Equal(CatDataUrl, (string?)parts[1]!["image_url"]!["url"]);
    }

    [Fact]
    public void LegacyPromptArray_EachPromptFollowedByItsMedia()
    {
        var result = Rewrite("""{"model":"m","prompt":["one https://example.com/cat.png","two https://example.com/clip.mp4"],"logprobs":true}""",
            new ResolvedMedia(
                new Dictionary<string, NormalizedImage> { ["https://example.com/cat.png"] = Cat },
                new Dictionary<string, VideoDigest> { ["https://example.com/clip.mp4"] = Clip }));

        Assert.True((bool)result["logprobs"]!);
        var parts = result["messages"]![0]!["content"]!.AsArray();
        Assert.Equal(["text", "image_url", "text", "text", "text", "image_url", "text", "image_url"], parts.Select(p => (string?)p!["type"]));
        Assert.Equal("two https://example.com/clip.mp4", (string?)parts[2]!["text"]);
    }

    [Theory]
    [InlineData(0, "00:00.0")]
    [InlineData(4.04, "00:04.0")]
    [InlineData(59.96, "01:00.0")]
    [InlineData(3725.5, "1:02:05.5")]
    public void Timestamp_Formats(double seconds, string expected) =>
        Assert.Equal(expected, RequestRewriter.Timestamp(TimeSpan.FromSeconds(seconds)));
}
