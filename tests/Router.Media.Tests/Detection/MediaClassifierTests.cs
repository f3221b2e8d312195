using OaiRouter.Media.Contracts;
using OaiRouter.Media.Detection;

namespace OaiRouter.Media.Tests.Detection;

public sealed class MediaClassifierTests
{
    [Theory]
    [InlineData("https://example.com/a.png", MediaKind.Image)]
    [InlineData("https://example.com/dir/photo.JPG?size=large", MediaKind.Image)]
    [InlineData("https://example.com/a.jpeg#frag", MediaKind.Image)]
    [InlineData("http://example.com/a.gif", MediaKind.Image)]
    [InlineData("http://example.com/a.webp", MediaKind.Image)]
    [InlineData("http://example.com/a.bmp", MediaKind.Image)]
    [InlineData("https://cdn.example.com/v/clip.mp4", MediaKind.Video)]
    [InlineData("https://cdn.example.com/v/clip.MOV", MediaKind.Video)]
    [InlineData("https://cdn.example.com/v/clip.webm", MediaKind.Video)]
    [InlineData("https://cdn.example.com/v/clip.mkv", MediaKind.Video)]
    [InlineData("https://cdn.example.com/v/clip.m4v", MediaKind.Video)]
    [InlineData("https://cdn.example.com/v/clip.avi", MediaKind.Video)]
    [InlineData("https://cdn.example.com/v/clip.mpeg", MediaKind.Video)]
    [InlineData("https://cdn.example.com/v/clip.mpg", MediaKind.Video)]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ", MediaKind.VideoPage)]
    [InlineData("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=10", MediaKind.VideoPage)]
    [InlineData("https://youtube.com/shorts/abc123", MediaKind.VideoPage)]
    [InlineData("https://youtu.be/dQw4w9WgXcQ", MediaKind.VideoPage)]
    [InlineData("https://vimeo.com/76979871", MediaKind.VideoPage)]
    [InlineData("https://player.vimeo.com/video/76979871", MediaKind.VideoPage)]
    [InlineData("https://www.dailymotion.com/video/x7tgad0", MediaKind.VideoPage)]
    [InlineData("https://www.tiktok.com/@someone/video/7234", MediaKind.VideoPage)]
    [InlineData("https://www.youtube.com/", MediaKind.Unknown)]
    [InlineData("https://vimeo.com/about", MediaKind.Unknown)]
    [InlineData("https://example.com/page", MediaKind.Unknown)]
    [InlineData("https://example.com/image.png.html", MediaKind.Unknown)]
    [InlineData("data:image/png;base64,iVBORw0KGgo=", MediaKind.Image)]
    [InlineData("data:video/mp4;base64,AAAA", MediaKind.Video)]
    [InlineData("data:text/plain,hello", MediaKind.Unknown)]
    [InlineData("not a url", MediaKind.Unknown)]
    public void Classify_Url_GivesKind(string url, MediaKind expected) =>
        Assert.Equal(expected, MediaClassifier.Classify(url));
}
