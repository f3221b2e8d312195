using System.Net;
using System.Net.Sockets;
using System.Text;
using OaiRouter.Media.Fetching;
using OaiRouter.Media.Tests.Support;

namespace OaiRouter.Media.Tests.Fetching;

/// <summary>The proxy on loopback, with raw sockets on both sides so that every byte and every accept is visible.</summary>
public sealed class CheckingProxyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ConnectToLoopback_PrivateNetworksRefused_Answers403AndNeverConnects()
    {
        using var target = Listen();
        var connects = new ConnectLog();
        await using var proxy = Start(new HostVetter(false, StaticResolver.Of(), onConnect: connects.Record));

        var answer = await ExchangeAsync(proxy, $"CONNECT 127.0.0.1:{Port(target)} HTTP/1.1\r\nHost: 127.0.0.1:{Port(target)}\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403 ", answer);
        Assert.Contains("loopback", answer);
        Assert.Empty(connects.Endpoints);
        Assert.False(target.Pending(), "the refused target saw a connection");
        var refusal = Assert.Single(proxy.Refusals);
        Assert.Equal(("127.0.0.1", Port(target)), (refusal.Host, refusal.Port));
    }

    [Theory]
    [InlineData("GET http://127.0.0.1:{port}/clip.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n", "loopback")]
    [InlineData("GET http://metadata.test/latest/meta-data/ HTTP/1.1\r\nHost: metadata.test\r\n\r\n", "link-local")]
    [InlineData("CONNECT intranet.test:443 HTTP/1.1\r\nHost: intranet.test:443\r\n\r\n", "private network")]
    [InlineData("CONNECT [::1]:{port} HTTP/1.1\r\n\r\n", "loopback")]
    public async Task RefusedTarget_Answers403BeforeAnyConnection(string request, string reason)
    {
        using var target = Listen();
        var connects = new ConnectLog();
        // The names exist only in this resolver; nothing is ever sent to 169.254.x or 10.x.
        var resolver = StaticResolver.Of(("metadata.test", "169.254.169.254"), ("intranet.test", "10.0.0.1"));
        await using var proxy = Start(new HostVetter(false, resolver, onConnect: connects.Record));

        var answer = await ExchangeAsync(proxy, request.Replace("{port}", Port(target).ToString()));

        Assert.StartsWith("HTTP/1.1 403 ", answer);
        Assert.Contains(reason, Assert.Single(proxy.Refusals).Reason);
        Assert.Empty(connects.Endpoints);
        Assert.False(target.Pending(), "the refused target saw a connection");
    }

    [Fact]
    public async Task Connect_PrivateNetworksAllowed_TunnelsBothWays()
    {
        using var target = Listen();
        await using var proxy = Start(new HostVetter(true, StaticResolver.Of()));
        using var client = await ConnectAsync(proxy);

        await SendAsync(client, $"CONNECT 127.0.0.1:{Port(target)} HTTP/1.1\r\nHost: 127.0.0.1:{Port(target)}\r\n\r\n");
        using var origin = await target.AcceptSocketAsync().WaitAsync(Bound);
        Assert.Equal("HTTP/1.1 200 Connection established\r\n\r\n", await ReceiveAsync(client, 39));

        await SendAsync(client, "ping");
        Assert.Equal("ping", await ReceiveAsync(origin, 4));
        await SendAsync(origin, "pong");
        Assert.Equal("pong", await ReceiveAsync(client, 4));
        Assert.Empty(proxy.Refusals);
    }

    [Fact]
    public async Task PlainHttp_AllowedName_IsSentInOriginFormToTheCheckedAddress()
    {
        using var target = Listen();
        var resolver = StaticResolver.Of(("media.test", "127.0.0.1"));
        var connects = new ConnectLog();
        // Loopback plays the public internet: private networks stay refused.
        await using var proxy = Start(new HostVetter(false, resolver, LoopbackIsPublic, connects.Record));
        using var client = await ConnectAsync(proxy);

        await SendAsync(client, $"GET http://media.test:{Port(target)}/v/clip.mp4?x=1 HTTP/1.1\r\nHost: media.test:{Port(target)}\r\n" +
                                "Proxy-Connection: keep-alive\r\nUser-Agent: test\r\n\r\n");
        using var origin = await target.AcceptSocketAsync().WaitAsync(Bound);
        var request = await ReceiveHeadAsync(origin);
        await SendAsync(origin, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        origin.Shutdown(SocketShutdown.Send);

        Assert.StartsWith("GET /v/clip.mp4?x=1 HTTP/1.1\r\n", request);
        Assert.Contains($"Host: media.test:{Port(target)}\r\n", request);
        Assert.Contains("User-Agent: test\r\n", request);
        Assert.Contains("Connection: close\r\n", request);
        Assert.DoesNotContain("Proxy-Connection", request);
        Assert.EndsWith("\r\n\r\nhello", await ReceiveToEndAsync(client));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, Port(target)), Assert.Single(connects.Endpoints));
        Assert.Equal(1, resolver.Lookups);
    }

    [Fact]
    public async Task PlainHttp_ThroughHttpClient_Relayed()
    {
        using var target = Listen();
        await using var proxy = Start(new HostVetter(true, StaticResolver.Of()));
        using var http = new HttpClient(new SocketsHttpHandler { Proxy = new WebProxy(proxy.Address), UseProxy = true });

        var get = http.GetStringAsync($"http://127.0.0.1:{Port(target)}/page");
        using (var origin = await target.AcceptSocketAsync().WaitAsync(Bound))
        {
            Assert.StartsWith("GET /page HTTP/1.1\r\n", await ReceiveHeadAsync(origin));
            await SendAsync(origin, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }

        Assert.Equal("ok", await get.WaitAsync(Bound));
    }

    [Theory]
    [InlineData("GET /origin-form HTTP/1.1\r\nHost: x\r\n\r\n", "400")]
    [InlineData("GET https://media.test/ HTTP/1.1\r\n\r\n", "400")]
    [InlineData("CONNECT media.test HTTP/1.1\r\n\r\n", "400")]
    [InlineData("CONNECT user@media.test:443 HTTP/1.1\r\n\r\n", "400")]
    public async Task NotAProxyRequest_Answers400(string request, string status)
    {
        await using var proxy = Start(new HostVetter(true, StaticResolver.Of()));

        Assert.StartsWith($"HTTP/1.1 {status} ", await ExchangeAsync(proxy, request));
    }

    [Fact]
    public async Task HeadLargerThanTheLimit_Answers431()
    {
        await using var proxy = Start(new HostVetter(true, StaticResolver.Of()), Limits() with { MaxHeadBytes = 1024 });

        var answer = await ExchangeAsync(proxy, "GET http://media.test/ HTTP/1.1\r\nX-Big: " + new string('a', 2000) + "\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 431 ", answer);
    }

    [Fact]
    public async Task HeadNotSentInTime_Answers408()
    {
        await using var proxy = Start(new HostVetter(true, StaticResolver.Of()), Limits() with { HeadTimeout = TimeSpan.FromMilliseconds(300) });
        using var client = await ConnectAsync(proxy);

        await SendAsync(client, "GET http://media.test/ HTTP/1.1\r\n");

        Assert.StartsWith("HTTP/1.1 408 ", await ReceiveToEndAsync(client));
    }

    [Fact]
    public async Task MoreConnectionsThanTheLimit_Answers503()
    {
        await using var proxy = Start(new HostVetter(true, StaticResolver.Of()), Limits() with { MaxConnections = 1 });
        using var first = await ConnectAsync(proxy);
        // The first connection is being served (it waits for its head) before the second arrives.
        await SendAsync(first, "GET http");

        var answer = await ExchangeAsync(proxy, "GET http://127.0.0.1:1/ HTTP/1.1\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 503 ", answer);
    }

    [Fact]
    public async Task IdleTunnel_IsClosed()
    {
        using var target = Listen();
        await using var proxy = Start(new HostVetter(true, StaticResolver.Of()), Limits() with { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using var client = await ConnectAsync(proxy);
        await SendAsync(client, $"CONNECT 127.0.0.1:{Port(target)} HTTP/1.1\r\n\r\n");
        using var origin = await target.AcceptSocketAsync().WaitAsync(Bound);

        Assert.Equal("HTTP/1.1 200 Connection established\r\n\r\n", await ReceiveToEndAsync(client));
        Assert.Equal("", await ReceiveToEndAsync(origin));
    }

    [Fact]
    public async Task RunCancelled_ClosesOpenTunnels()
    {
        using var target = Listen();
        using var run = new CancellationTokenSource();
        await using var proxy = CheckingProxy.Start(new HostVetter(true, StaticResolver.Of()), Limits(), TimeProvider.System, run.Token);
        using var client = await ConnectAsync(proxy);
        await SendAsync(client, $"CONNECT 127.0.0.1:{Port(target)} HTTP/1.1\r\n\r\n");
        using var origin = await target.AcceptSocketAsync().WaitAsync(Bound);
        Assert.Equal("HTTP/1.1 200 Connection established\r\n\r\n", await ReceiveAsync(client, 39));

        await run.CancelAsync();

        Assert.Equal("", await ReceiveToEndAsync(client));
        Assert.Equal("", await ReceiveToEndAsync(origin));
    }

    private static string? LoopbackIsPublic(IPAddress ip) => ip.Equals(IPAddress.Loopback) ? null : NetworkPolicy.RefusalReason(ip);

    private static CheckingProxyLimits Limits() => CheckingProxyLimits.Default;

    private static CheckingProxy Start(HostVetter vetter, CheckingProxyLimits? limits = null) =>
        CheckingProxy.Start(vetter, limits ?? Limits(), TimeProvider.System, CancellationToken.None);

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    private static async Task<Socket> ConnectAsync(CheckingProxy proxy)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Address.Port).WaitAsync(Bound);
        return socket;
    }

    /// <summary>Sends one request on a new connection and reads the answer until the proxy closes.</summary>
    private static async Task<string> ExchangeAsync(CheckingProxy proxy, string request)
    {
        using var client = await ConnectAsync(proxy);
        await SendAsync(client, request);
        return await ReceiveToEndAsync(client);
    }

    private static Task SendAsync(Socket socket, string text) =>
        socket.SendAsync(Encoding.Latin1.GetBytes(text), SocketFlags.None).WaitAsync(Bound);

    private static async Task<string> ReceiveAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).AsTask().WaitAsync(Bound);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return Encoding.Latin1.GetString(buffer, 0, filled);
    }

    private static async Task<string> ReceiveHeadAsync(Socket socket)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && text.Length < 64 * 1024)
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None).WaitAsync(Bound) == 0)
            {
                break;
            }

            text.Append((char)one[0]);
        }

        return text.ToString();
    }

    private static async Task<string> ReceiveToEndAsync(Socket socket)
    {
        var all = new MemoryStream();
        var buffer = new byte[4096];
        while (all.Length < 1024 * 1024)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Bound);
            }
            catch (SocketException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            all.Write(buffer, 0, read);
        }

        return Encoding.Latin1.GetString(all.ToArray());
    }
}
