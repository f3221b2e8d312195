using System.Buffers;
using System.Net.Sockets;

namespace OaiRouter.Media.Fetching;

/// <summary>
/// Copies bytes both ways between the client and the origin of one <see cref="CheckingProxy"/> connection until
/// both sides are done, either side fails, nothing has moved for the idle time, or the run is cancelled.
/// </summary>
internal static class ProxyRelay
{
    private const int BufferBytes = 64 * 1024;

    /// <param name="endWithOrigin">
    /// True for plain HTTP: the origin closing ends the exchange (it was asked for <c>Connection: close</c>), so a
    /// client that keeps its side open does not hold the connection. False for a tunnel, which ends when both
    /// sides have closed (each end's close is passed on as a half-close).
    /// </param>
    public static async Task RunAsync(
        Socket client, Socket origin, bool endWithOrigin, TimeSpan idleTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource(idleTimeout, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var up = PumpAsync(client, origin, idle, idleTimeout, stop.Token);
        var down = PumpAsync(origin, client, idle, idleTimeout, stop.Token);

        var first = await Task.WhenAny(up, down).ConfigureAwait(false);
        if (!await EndedCleanlyAsync(first).ConfigureAwait(false) || (endWithOrigin && first == down))
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        await EndedCleanlyAsync(first == up ? down : up).ConfigureAwait(false);
    }

    /// <summary>Copies until <paramref name="from"/> closes, then half-closes <paramref name="to"/>.</summary>
    private static async Task PumpAsync(Socket from, Socket to, CancellationTokenSource idle, TimeSpan idleTimeout, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                // Any traffic, either way, restarts the idle clock of the whole connection.
                idle.CancelAfter(idleTimeout);
                await SendAllAsync(to, buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends every byte of <paramref name="data"/> (a stream socket may take less per call).</summary>
    public static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    /// <summary>Awaits one direction; false when it ended by a failure or cancellation rather than a close.</summary>
    private static async Task<bool> EndedCleanlyAsync(Task pump)
    {
        try
        {
            await pump.ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }
}
