using OaiRouter.Media.Detection;

namespace OaiRouter.Media.Tests.Detection;

public sealed class TextUrlScannerTests
{
    [Theory]
    [InlineData("look at https://example.com/a.png", "https://example.com/a.png")]
    [InlineData("look at https://example.com/a.png.", "https://example.com/a.png")]
    [InlineData("is it https://example.com/a.png?", "https://example.com/a.png")]
    [InlineData("(see https://example.com/a.png)", "https://example.com/a.png")]
    [InlineData("see https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("see (https://en.wikipedia.org/wiki/Foo_(bar)).", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("![alt](https://example.com/a.png)", "https://example.com/a.png")]
    [InlineData("<https://example.com/a.png>", "https://example.com/a.png")]
    [InlineData("\"https://example.com/a.png\",", "https://example.com/a.png")]
    [InlineData("**https://example.com/a.png**", "https://example.com/a.png")]
    [InlineData("https://example.com/a.png?w=10&h=20, then", "https://example.com/a.png?w=10&h=20")]
    [InlineData("链接https://example.com/a.png。谢谢", "https://example.com/a.png")]
    [InlineData("HTTP://EXAMPLE.COM/A.PNG!", "HTTP://EXAMPLE.COM/A.PNG")]
    public void FindUrls_TrimsSurroundingPunctuation(string text, string expected) =>
        Assert.Equal([expected], TextUrlScanner.FindUrls(text));

    [Fact]
    public void FindUrls_SeveralAndRepeated_DistinctInOrder()
    {
        var urls = TextUrlScanner.FindUrls("first https://a.example/1.png then https://b.example/v.mp4 and https://a.example/1.png again");
        Assert.Equal(["https://a.example/1.png", "https://b.example/v.mp4"], urls);
    }

    [Theory]
    [InlineData("no links here")]
    [InlineData("ftp://example.com/a.png")]
    [InlineData("http:// broken")]
    [InlineData("file:///etc/passwd")]
    public void FindUrls_NoHttpUrl_FindsNothing(string text) => Assert.Empty(TextUrlScanner.FindUrls(text));
}
