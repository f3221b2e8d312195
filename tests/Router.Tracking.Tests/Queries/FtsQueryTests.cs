using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Tests.Queries;

public sealed class FtsQueryTests
{
    [Theory]
    [InlineData("invoice", "\"invoice\"")]
    [InlineData("  two   words ", "\"two\" \"words\"")]
    [InlineData("say\"what", "\"say\"\"what\"")]
    [InlineData("kube*", "\"kube\"*")]
    [InlineData("NEAR(a", "\"NEAR(a\"")]
    [InlineData("col:value", "\"col:value\"")]
    [InlineData("req_0197abc", "\"req_0197abc\"")]
    public void Build_QuotesEveryWord(string input, string expected)
    {
        Assert.Equal(expected, FtsQuery.Build(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\" * ( ) -")]
    public void Build_NothingSearchable_IsNull(string? input)
    {
        Assert.Null(FtsQuery.Build(input));
    }
}
