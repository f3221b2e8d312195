using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OaiRouter.Media.Fetching;

/// <summary>A target the <see cref="CheckingProxy"/> refused, in <see cref="HostVetter"/>'s words.</summary>
internal sealed record ProxyRefusal(string Host, int Port, string Reason);

/// <summary>
/// A forward proxy on 127.0.0.1 (ephemeral port) through which a tool that makes its own connections (yt-dlp) must
/// go, so that every connection it makes — redirects and media URLs found in a page included — is checked by the
/// same <see cref="HostVetter"/> as <see cref="SafeHttpFetcher"/>: the host is resolved once, every address judged,
/// and the socket connected to a judged address. It takes <c>CONNECT host:port</c> (https tunnels) and plain HTTP in
/// absolute form; refusals are answered <c>403</c> and kept in <see cref="Refusals"/> for the caller to report.
/// </summary>
/// <remarks>
/// Written by hand: the local NuGet feed has no forward-proxy library (only reverse proxies and DynamicProxy-style
/// interception), and what is needed is small. One proxy serves one tool run: its refusals then belong to that run,
/// and nothing outlives it — disposing (or cancelling the run) closes the listener and every relayed connection.
/// </remarks>
internal sealed class CheckingProxy : IAsyncDisposable
{
    private const int MaxRefusalsKept = 8;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly HostVetter _vetter;
    private readonly CheckingProxyLimits _limits;
    private readonly TimeProvider _time;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop;
    private readonly ConcurrentQueue<ProxyRefusal> _refusals = new();
    private readonly Lock _connectionsLock = new();
    private readonly List<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _open;
    private int _refusalCount;

    private CheckingProxy(HostVetter vetter, CheckingProxyLimits limits, TimeProvider time, CancellationToken runToken)
    {
        _vetter = vetter;
        _limits = limits;
        _time = time;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(limits.MaxConnections);
        }
        catch
        {
            _listener.Dispose();
            _stop.Dispose();
            throw;
        }

        Address = new Uri(string.Create(CultureInfo.InvariantCulture,
            $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}"));
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    /// <summary>The proxy's address, e.g. <c>http://127.0.0.1:41234</c>, for yt-dlp's <c>--proxy</c>.</summary>
    public Uri Address { get; }

    /// <summary>The first targets refused (a few at most), in the order they were refused.</summary>
    public IReadOnlyList<ProxyRefusal> Refusals => [.. _refusals];

    /// <summary>Starts a proxy that stops by itself when <paramref name="runToken"/> is cancelled; dispose it after the run.</summary>
    public static CheckingProxy Start(HostVetter vetter, CheckingProxyLimits limits, TimeProvider time, CancellationToken runToken) =>
        new(vetter, limits, time, runToken);

    /// <summary>Stops listening, closes every connection and waits (bounded) for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        Task[] open;
        lock (_connectionsLock)
        {
            open = [.. _connections];
        }

        // Every connection watches the same token, so this is quick; the bound only guards against a bug.
        await Task.WhenAll(open).WaitAsync(DrainTimeout, _time).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Interlocked.Increment(ref _open) > _limits.MaxConnections)
            {
                Interlocked.Decrement(ref _open);
                RefuseBusy(client);
                continue;
            }

            var connection = ServeAsync(client, ct);
            lock (_connectionsLock)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(connection);
            }
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken ct)
    {
        // Off the accept loop at once: the head is read while the next client is accepted.
        await Task.Yield();
        try
        {
            using (client)
            {
                await RelayAsync(client, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client or origin went away, or the run ended: nothing to answer to.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken ct)
    {
        ProxyRequestHead head;
        using (var headTimer = new CancellationTokenSource(_limits.HeadTimeout, _time))
        using (var reading = CancellationTokenSource.CreateLinkedTokenSource(ct, headTimer.Token))
        {
            try
            {
                await using var stream = new NetworkStream(client, ownsSocket: false);
                head = await ProxyRequestHead.ReadAsync(stream, _limits.MaxHeadBytes, reading.Token).ConfigureAwait(false);
            }
            catch (ProxyRequestException e)
            {
                await AnswerAsync(client, e.Status, e.Message, ct).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (headTimer.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                await AnswerAsync(client, 408, "no complete request head in time", ct).ConfigureAwait(false);
                return;
            }
            catch (EndOfStreamException)
            {
                return;
            }
        }

        var verdict = await _vetter.VetAsync(head.Host, ct).ConfigureAwait(false);
        if (verdict.Refusal is { } refusal)
        {
            Remember(new ProxyRefusal(verdict.Host, head.Port, refusal));
            await AnswerAsync(client, 403, $"refused: {refusal}", ct).ConfigureAwait(false);
            return;
        }

        if (verdict.Unresolved is { } unresolved)
        {
            await AnswerAsync(client, 502, unresolved, ct).ConfigureAwait(false);
            return;
        }

        Socket origin;
        using (var connectTimer = new CancellationTokenSource(_limits.ConnectTimeout, _time))
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(ct, connectTimer.Token))
        {
            try
            {
                origin = await _vetter.ConnectAsync(verdict, head.Port, connecting.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is SocketException or OperationCanceledException)
            {
                await AnswerAsync(client, 502, $"could not connect to {verdict.Host}:{head.Port}", ct).ConfigureAwait(false);
                return;
            }
        }

        using (origin)
        {
            if (head.IsConnect)
            {
                await ProxyRelay.SendAllAsync(client, "HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), ct).ConfigureAwait(false);
            }
            else
            {
                await ProxyRelay.SendAllAsync(origin, head.OriginHead(), ct).ConfigureAwait(false);
            }

            await ProxyRelay.SendAllAsync(origin, head.Leftover, ct).ConfigureAwait(false);
            await ProxyRelay.RunAsync(client, origin, endWithOrigin: !head.IsConnect, _limits.IdleTimeout, _time, ct).ConfigureAwait(false);
        }
    }

    private void Remember(ProxyRefusal refusal)
    {
        if (Interlocked.Increment(ref _refusalCount) <= MaxRefusalsKept)
        {
            _refusals.Enqueue(refusal);
        }
    }

    private static async Task AnswerAsync(Socket client, int status, string reason, CancellationToken ct)
    {
        var phrase = status switch
        {
            400 => "Bad Request",
            403 => "Forbidden",
            408 => "Request Timeout",
            431 => "Request Header Fields Too Large",
            502 => "Bad Gateway",
            _ => "Service Unavailable",
        };
        await ProxyRelay.SendAllAsync(client, Answer(status, phrase, reason), ct).ConfigureAwait(false);
        client.Shutdown(SocketShutdown.Both);
    }

    private static void RefuseBusy(Socket client)
    {
        using (client)
        {
            try
            {
                // A few bytes fit the fresh socket's send buffer: this does not block the accept loop.
                client.Send(Answer(503, "Service Unavailable", "too many connections"));
                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
        }
    }

    private static byte[] Answer(int status, string phrase, string reason)
    {
        var body = Encoding.UTF8.GetBytes($"media proxy: {reason}\n");
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {phrase}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        return [.. head, .. body];
    }
}
