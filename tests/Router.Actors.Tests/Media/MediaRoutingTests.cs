using OaiRouter.Actors.Media;

namespace OaiRouter.Actors.Tests.Media;

public sealed class MediaRoutingTests
{
    private const string Vision = "vision/model";

    private static readonly Dictionary<string, IReadOnlyList<string>> Catalog = new()
    {
        ["openai/gpt-4o-mini"] = ["text", "image"],
        ["meta-llama/llama-3.1-8b-instruct"] = ["text"],
        ["google/gemini-2.5-flash"] = ["text", "IMAGE", "video"],
    };

    [Theory]
    [InlineData("openai/gpt-4o-mini", "openai/gpt-4o-mini", MediaRouting.AcceptsImages)]
    [InlineData("google/gemini-2.5-flash", "google/gemini-2.5-flash", MediaRouting.AcceptsImages)]
    [InlineData("meta-llama/llama-3.1-8b-instruct", Vision, MediaRouting.TextOnly)]
    [InlineData("someone/unlisted", Vision, MediaRouting.UnknownModel)]
    public void NamedModel_IsKeptOnlyWhenItTakesImages(string requested, string routed, string reason)
    {
        var decision = MediaRouting.Decide(requested, modelDefaulted: false, Catalog, Vision);

        Assert.Equal(new RoutingDecision(routed, reason), decision);
    }

    [Fact]
    public void NoModelNamed_GoesToTheVisionModel_EvenWhenTheDefaultTakesImages()
    {
        var decision = MediaRouting.Decide("openai/gpt-4o-mini", modelDefaulted: true, Catalog, Vision);

        Assert.Equal(new RoutingDecision(Vision, "no model named: vision model"), decision);
    }

    [Fact]
    public void WithoutTheModelList_TheVisionModelIsTheSafeChoice()
    {
        var decision = MediaRouting.Decide("openai/gpt-4o-mini", modelDefaulted: false, inputModalities: null, Vision);

        Assert.Equal(new RoutingDecision(Vision, MediaRouting.NoModelList), decision);
    }

    [Fact]
    public void Reasons_AreTheRecordedWords()
    {
        Assert.Equal("requested model accepts images", MediaRouting.AcceptsImages);
        Assert.Equal("requested model is text-only: vision model", MediaRouting.TextOnly);
        Assert.Equal("no model named: vision model", MediaRouting.NoModelNamed);
    }
}
