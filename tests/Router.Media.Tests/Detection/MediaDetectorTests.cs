using System.Text.Json;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Detection;

namespace OaiRouter.Media.Tests.Detection;

public sealed class MediaDetectorTests
{
    private static IReadOnlyList<MediaReference> Detect(string json)
    {
        using var document = JsonDocument.Parse(json);
        return MediaDetector.Detect(document.RootElement);
    }

    [Fact]
    public void ImageUrlPart_Reported_WithIndices()
    {
        var found = Detect("""
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":[
                {"type":"text","text":"what is this?"},
                {"type":"image_url","image_url":{"url":"https://example.com/cat","detail":"high"}}]}]}
            """);
        var reference = Assert.Single(found);
        Assert.Equal(new MediaReference("https://example.com/cat", MediaKind.Image, MediaOrigin.ImageUrlPart, 1, 1), reference);
    }

    [Fact]
    public void ImageUrlPart_StringForm_Reported()
    {
        var found = Detect("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://example.com/a.png"}]}]}""");
        Assert.Equal(MediaOrigin.ImageUrlPart, Assert.Single(found).Origin);
    }

    [Fact]
    public void ImageUrlPart_DataUrl_Reported()
    {
        var found = Detect("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""");
        var reference = Assert.Single(found);
        Assert.Equal(MediaKind.Image, reference.Kind);
        Assert.Equal(MediaOrigin.ImageUrlPart, reference.Origin);
        Assert.StartsWith("data:image/png", reference.Url);
    }

    [Fact]
    public void VideoUrlPart_Reported_KindFromUrl()
    {
        var found = Detect("""
            {"messages":[{"role":"user","content":[
              {"type":"video_url","video_url":{"url":"https://example.com/clip.mp4"}},
              {"type":"video_url","video_url":{"url":"https://youtu.be/abc"}},
              {"type":"video_url","video_url":{"url":"https://example.com/watch/1"}}]}]}
            """);
        Assert.Equal(
            [
                new MediaReference("https://example.com/clip.mp4", MediaKind.Video, MediaOrigin.VideoUrlPart, 0, 0),
                new MediaReference("https://youtu.be/abc", MediaKind.VideoPage, MediaOrigin.VideoUrlPart, 0, 1),
                new MediaReference("https://example.com/watch/1", MediaKind.Unknown, MediaOrigin.VideoUrlPart, 0, 2),
            ],
            found);
    }

    [Fact]
    public void StringContent_BareUrls_ReportedAsTextUrls()
    {
        var found = Detect("""{"messages":[{"role":"user","content":"compare https://example.com/a.png and https://example.com/b.mp4, and https://example.com/page."}]}""");
        Assert.Equal(
            [
                new MediaReference("https://example.com/a.png", MediaKind.Image, MediaOrigin.TextUrl, 0, -1),
                new MediaReference("https://example.com/b.mp4", MediaKind.Video, MediaOrigin.TextUrl, 0, -1),
                new MediaReference("https://example.com/page", MediaKind.Unknown, MediaOrigin.TextUrl, 0, -1),
            ],
            found);
    }

    [Fact]
    public void TextPart_BareUrl_ReportedWithPartIndex()
    {
        var found = Detect("""
            {"messages":[{"role":"user","content":[
              {"type":"image_url","image_url":{"url":"https://example.com/x.jpg"}},
              {"type":"text","text":"and this one: https://www.youtube.com/watch?v=abc"}]}]}
            """);
        Assert.Equal(
            [
                new MediaReference("https://example.com/x.jpg", MediaKind.Image, MediaOrigin.ImageUrlPart, 0, 0),
                new MediaReference("https://www.youtube.com/watch?v=abc", MediaKind.VideoPage, MediaOrigin.TextUrl, 0, 1),
            ],
            found);
    }

    [Fact]
    public void NonUserMessages_BareUrlsIgnored()
    {
        var found = Detect("""
            {"messages":[
              {"role":"system","content":"logo: https://example.com/logo.png"},
              {"role":"assistant","content":"I found https://example.com/a.png"},
              {"role":"tool","tool_call_id":"1","content":"https://example.com/b.png"},
              {"role":"user","content":"thanks"}]}
            """);
        Assert.Empty(found);
    }

    [Fact]
    public void LegacyPrompt_String_ReportedWithMinusOne()
    {
        var found = Detect("""{"model":"m","prompt":"Describe https://example.com/a.png please","max_tokens":5}""");
        Assert.Equal(new MediaReference("https://example.com/a.png", MediaKind.Image, MediaOrigin.TextUrl, -1, -1), Assert.Single(found));
    }

    [Fact]
    public void LegacyPrompt_Array_ReportedWithPromptIndex()
    {
        var found = Detect("""{"prompt":["no link", "see https://example.com/v.webm", [1,2,3]]}""");
        Assert.Equal(new MediaReference("https://example.com/v.webm", MediaKind.Video, MediaOrigin.TextUrl, -1, 1), Assert.Single(found));
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hello"}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":null}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""")]
    [InlineData("""{"messages":"oops"}""")]
    [InlineData("""{"prompt":[1,2,3]}""")]
    [InlineData("[]")]
    public void NoMedia_NothingReported(string json) => Assert.Empty(Detect(json));

    [Fact]
    public void DistinctUrls_CountsEachLinkOnce()
    {
        var found = Detect("""
            {"messages":[
              {"role":"user","content":"https://example.com/a.png"},
              {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"type":"text","text":"https://example.com/b.png"}]}]}
            """);
        Assert.Equal(3, found.Count);
        Assert.Equal(["https://example.com/a.png", "https://example.com/b.png"], MediaDetector.DistinctUrls(found));
    }
}
