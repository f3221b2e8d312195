using System.Text;
using System.Text.Json;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Media;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Actors.Tests.Media;

public sealed class MediaJobTests
{
    private const string Vision = "vision/model";
    private const string ImageUrl = "https://img.example/cat.png";
    private const string VideoUrl = "https://vid.example/clip.mp4";

    private static readonly Dictionary<string, IReadOnlyList<string>> Catalog = new()
    {
        ["openai/gpt-4o-mini"] = ["text", "image"],
        ["meta-llama/llama-3.1-8b-instruct"] = ["text"],
    };

    private static CompletionRequest Chat(string model, bool defaulted = false) => new(
        RequestId.New(), CompletionEndpoint.Chat,
        Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":"look {{ImageUrl}} and {{VideoUrl}}"}]}"""),
        model, defaulted, false, null, DateTimeOffset.UnixEpoch);

    private static MediaDetected Detected(params MediaReference[] references) =>
        new(references, [], 0, TimeSpan.FromMilliseconds(1), TimeSpan.Zero);

    private static readonly MediaReference Image = new(ImageUrl, MediaKind.Image, MediaOrigin.TextUrl, 0, -1);
    private static readonly MediaReference Video = new(VideoUrl, MediaKind.Video, MediaOrigin.TextUrl, 0, -1);

    private static NormalizedImage Png(bool fromCache = false) => new("image/png", [1, 2, 3], 4, 3, 1000, fromCache);

    private static VideoDigest Digest() => new(VideoUrl, TimeSpan.FromSeconds(6),
        [new VideoFrame(TimeSpan.Zero, [9, 9], 320, 240), new VideoFrame(TimeSpan.FromSeconds(2), [8, 8], 320, 240)],
        [new TranscriptSegment(TimeSpan.Zero, TimeSpan.FromSeconds(2), " Hello there. ")], null, 5000, false,
        new Dictionary<string, double> { ["download"] = 10, ["frames"] = 20 });

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"see https://x.example/a.png"}]}""", true)]
    [InlineData("""{"messages":[{"role":"user","content":"see HTTP://X.EXAMPLE/A.PNG"}]}""", true)]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""", true)]
    [InlineData("""{"messages":[{"role":"user","content":"hello, just text; ht tp and h"}]}""", false)]
    [InlineData("""{"prompt":"h"}""", false)]
    public void PreCheck_LooksForHttpOrData(string body, bool expected) =>
        Assert.Equal(expected, MediaJob.MayHoldMedia(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void NothingFound_ForwardsAsIs()
    {
        var job = new MediaJob(Chat("openai/gpt-4o-mini"), Vision, 8);

        Assert.Same(MediaStep.ForwardAsIs, job.OnDetected(Detected()));
        Assert.False(job.HasMedia);
        Assert.True(job.Finished);
    }

    [Fact]
    public void EveryLinkAndTheModelList_AreWaitedFor_ThenTheRewrittenRequestGoesToTheChosenModel()
    {
        var job = new MediaJob(Chat("meta-llama/llama-3.1-8b-instruct"), Vision, 8);

        var fetch = Assert.IsType<FetchMedia>(job.OnDetected(Detected(Image, Video, Image with { PartIndex = 3 })));
        Assert.Equal([ImageUrl], fetch.Images);
        Assert.Equal([(VideoUrl, MediaKind.Video)], fetch.Videos);
        Assert.Same(MediaStep.Wait, job.OnImage(new ImageResolved(ImageUrl, Png(), TimeSpan.Zero, TimeSpan.FromMilliseconds(5))));
        Assert.Same(MediaStep.Wait, job.OnModelCatalog(Catalog));
        var forward = Assert.IsType<ForwardWithMedia>(job.OnVideo(new VideoResolved(VideoUrl, Digest(), TimeSpan.Zero, TimeSpan.FromMilliseconds(40))));

        Assert.Equal(new RoutingDecision(Vision, MediaRouting.TextOnly), forward.Routing);
        Assert.Equal(forward.Routing, job.Routing);
        var upstream = job.BuildUpstream();
        Assert.Equal(Vision, upstream.Model);
        Assert.Equal(CompletionEndpoint.Chat, upstream.Endpoint);
        var body = Encoding.UTF8.GetString(upstream.Body.Span);
        Assert.Contains($"\"model\":\"{Vision}\"", body);
        Assert.Contains("data:image/png;base64,AQID", body);
        Assert.Contains("Frame at 00:02.0", body);
        Assert.Contains("Hello there.", body);
    }

    [Fact]
    public void ModelListFirst_ThenMedia_ForwardsOnTheLastResult()
    {
        var job = new MediaJob(Chat("openai/gpt-4o-mini"), Vision, 8);

        Assert.Same(MediaStep.Wait, job.OnModelCatalog(Catalog));
        Assert.IsType<FetchMedia>(job.OnDetected(Detected(Image)));
        var forward = Assert.IsType<ForwardWithMedia>(job.OnImage(new ImageResolved(ImageUrl, Png(), TimeSpan.Zero, TimeSpan.Zero)));

        Assert.Equal(new RoutingDecision("openai/gpt-4o-mini", MediaRouting.AcceptsImages), forward.Routing);
    }

    [Fact]
    public void LegacyPrompt_BecomesAChatRequest()
    {
        var legacy = new CompletionRequest(RequestId.New(), CompletionEndpoint.Legacy,
            Encoding.UTF8.GetBytes($$"""{"model":"openai/gpt-4o-mini","prompt":"describe {{ImageUrl}}","max_tokens":5,"echo":false}"""),
            "openai/gpt-4o-mini", false, false, null, DateTimeOffset.UnixEpoch);
        var job = new MediaJob(legacy, Vision, 8);
        job.OnModelCatalog(Catalog);
        job.OnDetected(Detected(Image with { MessageIndex = -1 }));
        job.OnImage(new ImageResolved(ImageUrl, Png(), TimeSpan.Zero, TimeSpan.Zero));

        var upstream = job.BuildUpstream();

        Assert.Equal(CompletionEndpoint.Chat, upstream.Endpoint);
        using var doc = JsonDocument.Parse(upstream.Body);
        Assert.False(doc.RootElement.TryGetProperty("prompt", out _));
        Assert.False(doc.RootElement.TryGetProperty("echo", out _));
        Assert.Equal(5, doc.RootElement.GetProperty("max_tokens").GetInt32());
        var parts = doc.RootElement.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal($"describe {ImageUrl}", parts[0].GetProperty("text").GetString());
        Assert.StartsWith("data:image/png;base64,", parts[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public void FirstFailure_AnswersWithItsCodeAndUrl_AndLaterResultsAreIgnored()
    {
        var job = new MediaJob(Chat("openai/gpt-4o-mini"), Vision, 8);
        job.OnDetected(Detected(Image, Video));

        var fail = Assert.IsType<FailWithError>(job.OnFailure(new MediaItemFailed(ImageUrl,
            new MediaFailure(MediaFailure.FetchFailed, ImageUrl, "the server answered HTTP 404 (Not Found)"))));

        Assert.Equal(400, fail.Error.Status);
        Assert.Equal(FailureKind.Media, fail.Error.Kind);
        Assert.Equal("media_fetch_failed", fail.Error.Code);
        Assert.Equal("invalid_request_error", fail.Error.Type);
        Assert.Contains(ImageUrl, fail.Error.Message);
        Assert.Contains("HTTP 404", fail.Error.Message);
        Assert.Same(MediaStep.Wait, job.OnVideo(new VideoResolved(VideoUrl, Digest(), TimeSpan.Zero, TimeSpan.Zero)));
        Assert.Same(MediaStep.Wait, job.OnBusy(new MediaStageBusy("downloads", TimeSpan.FromSeconds(5))));
        Assert.Same(MediaStep.Wait, job.OnModelCatalog(Catalog));
        using var report = JsonDocument.Parse(job.Report.ToJson(12.5));
        Assert.Equal("media_fetch_failed", report.RootElement.GetProperty("failure").GetProperty("code").GetString());
    }

    [Fact]
    public void UnexpectedFailure_Is500WithoutInternals()
    {
        var job = new MediaJob(Chat("openai/gpt-4o-mini"), Vision, 8);
        job.OnDetected(Detected(Image));

        var fail = Assert.IsType<FailWithError>(job.OnFailure(new MediaItemFailed(ImageUrl, new NullReferenceException("secret detail"))));

        Assert.Equal(500, fail.Error.Status);
        Assert.DoesNotContain("secret detail", fail.Error.Message);
    }

    [Fact]
    public void FullStage_Is503WithRetryAfter()
    {
        var job = new MediaJob(Chat("openai/gpt-4o-mini"), Vision, 8);
        job.OnDetected(Detected(Image));

        var fail = Assert.IsType<FailWithError>(job.OnBusy(new MediaStageBusy("downloads", TimeSpan.FromSeconds(7))));

        Assert.Equal(503, fail.Error.Status);
        Assert.Equal("media_busy", fail.Error.Code);
        Assert.Equal(TimeSpan.FromSeconds(7), fail.Error.RetryAfter);
    }

    [Fact]
    public void MoreLinksThanAllowed_IsRefusedBeforeAnyFetch()
    {
        var job = new MediaJob(Chat("openai/gpt-4o-mini"), Vision, maxItems: 1);

        var fail = Assert.IsType<FailWithError>(job.OnDetected(Detected(Image, Video)));

        Assert.Equal(400, fail.Error.Status);
        Assert.Equal("media_too_many_items", fail.Error.Code);
        Assert.Contains(VideoUrl, fail.Error.Message);
    }

    [Fact]
    public void Report_CountsWhatWasFoundFetchedAndServedFromTheCache()
    {
        var job = new MediaJob(Chat("openai/gpt-4o-mini"), Vision, 8);
        job.OnModelCatalog(Catalog);
        job.OnDetected(Detected(Image, Video));
        job.OnImage(new ImageResolved(ImageUrl, Png(fromCache: true), TimeSpan.Zero, TimeSpan.FromMilliseconds(2)));
        job.OnVideo(new VideoResolved(VideoUrl, Digest(), TimeSpan.FromMilliseconds(3), TimeSpan.FromMilliseconds(50)));

        using var report = JsonDocument.Parse(job.Report.ToJson(60));
        var root = report.RootElement;

        Assert.Equal(1, root.GetProperty("images").GetInt32());
        Assert.Equal(1, root.GetProperty("videos").GetInt32());
        Assert.Equal(2, root.GetProperty("frames_sent").GetInt32());
        Assert.Equal("Hello there.".Length, root.GetProperty("transcript_chars").GetInt32());
        Assert.Equal(1, root.GetProperty("cache_hits").GetInt32());
        Assert.Equal(5000, root.GetProperty("bytes_fetched").GetInt64());
        Assert.Equal(60, root.GetProperty("total_ms").GetDouble());
        var stages = root.GetProperty("stage_ms");
        Assert.Equal(10, stages.GetProperty("download").GetDouble());
        Assert.Equal(20, stages.GetProperty("frames").GetDouble());
        Assert.Equal(3, stages.GetProperty("queue").GetDouble());
        var items = root.GetProperty("items");
        Assert.Equal(2, items.GetArrayLength());
        Assert.True(items[0].GetProperty("cache_hit").GetBoolean());
        Assert.Equal(ImageUrl, items[0].GetProperty("url").GetString());
        Assert.False(items[1].GetProperty("cache_hit").GetBoolean());
    }
}
