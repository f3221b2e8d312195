namespace OaiRouter.Media.Fetching;

/// <summary>Bounds on one <see cref="CheckingProxy"/>: what a misbehaving client or origin can hold.</summary>
/// <param name="MaxConnections">Connections open at once; more are answered 503. yt-dlp opens one or two at a time.</param>
/// <param name="MaxHeadBytes">Largest request head accepted (request line and headers); larger is answered 431.</param>
/// <param name="HeadTimeout">Time a client has to send its request head.</param>
/// <param name="ConnectTimeout">Time allowed to connect to the origin.</param>
/// <param name="IdleTimeout">A relayed connection with no bytes either way for this long is closed.</param>
internal sealed record CheckingProxyLimits(
    int MaxConnections,
    int MaxHeadBytes,
    TimeSpan HeadTimeout,
    TimeSpan ConnectTimeout,
    TimeSpan IdleTimeout)
{
    /// <summary>Limits for yt-dlp, which runs with <c>--socket-timeout 10</c>: the proxy gives up a little later than it.</summary>
    public static CheckingProxyLimits Default { get; } = new(
        MaxConnections: 16,
        MaxHeadBytes: 16 * 1024,
        HeadTimeout: TimeSpan.FromSeconds(10),
        ConnectTimeout: TimeSpan.FromSeconds(10),
        IdleTimeout: TimeSpan.FromSeconds(30));
}
