using System.Text;
using OaiRouter.Media.Fetching;

namespace OaiRouter.Media.Tests.Fetching;

public sealed class ProxyRequestHeadTests
{
    [Theory]
    [InlineData("CONNECT Media.Test:443 HTTP/1.1", "media.test", 443)]
    [InlineData("CONNECT [::1]:8443 HTTP/1.1", "::1", 8443)]
    [InlineData("CONNECT 169.254.169.254:80 HTTP/1.1", "169.254.169.254", 80)]
    public void Connect_GivesTheNormalisedHostAndPort(string line, string host, int port)
    {
        var head = ProxyRequestHead.Parse(line, ReadOnlyMemory<byte>.Empty);

        Assert.True(head.IsConnect);
        Assert.Equal((host, port), (head.Host, head.Port));
    }

    [Theory]
    [InlineData("CONNECT media.test:0 HTTP/1.1")]
    [InlineData("CONNECT media.test:99999 HTTP/1.1")]
    [InlineData("CONNECT ::1:443 HTTP/1.1")]
    [InlineData("CONNECT a/b:443 HTTP/1.1")]
    [InlineData("GET http://user:pw@media.test/ HTTP/1.1")]
    [InlineData("GET ftp://media.test/ HTTP/1.1")]
    [InlineData("GET http://media.test/ SPDY/3")]
    [InlineData("GET http://media.test/ HTTP/1.1\r\nBad Header: x")]
    public void NotAProxyRequest_Is400(string head)
    {
        var refused = Assert.Throws<ProxyRequestException>(() => ProxyRequestHead.Parse(head, ReadOnlyMemory<byte>.Empty));

        Assert.Equal(400, refused.Status);
    }

    [Fact]
    public void OriginHead_IsOriginFormWithHostAndConnectionClose_WithoutHopByHopHeaders()
    {
        var head = ProxyRequestHead.Parse(
            "GET http://Media.Test:8080/a/b?c=d HTTP/1.1\r\nHost: elsewhere.test\r\nProxy-Connection: keep-alive\r\n" +
            "Proxy-Authorization: Basic eA==\r\nConnection: keep-alive\r\nRange: bytes=0-", ReadOnlyMemory<byte>.Empty);

        var origin = Encoding.Latin1.GetString(head.OriginHead());

        Assert.Equal(("media.test", 8080), (head.Host, head.Port));
        Assert.Equal("GET /a/b?c=d HTTP/1.1\r\nHost: media.test:8080\r\nRange: bytes=0-\r\nConnection: close\r\n\r\n", origin);
    }

    [Fact]
    public async Task Read_KeepsTheBytesAfterTheHead()
    {
        var stream = new MemoryStream(Encoding.Latin1.GetBytes("CONNECT media.test:443 HTTP/1.1\r\nHost: media.test:443\r\n\r\n\x16\x03\x01"));

        var head = await ProxyRequestHead.ReadAsync(stream, 1024, CancellationToken.None);

        Assert.Equal([0x16, 0x03, 0x01], head.Leftover.ToArray());
        Assert.Equal(("Host", "media.test:443"), Assert.Single(head.Headers));
    }
}
