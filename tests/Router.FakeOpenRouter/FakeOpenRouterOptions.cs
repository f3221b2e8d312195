namespace OaiRouter.FakeOpenRouter;

/// <summary>Start-up settings of the fake; the public API only exposes the port.</summary>
internal sealed record FakeOpenRouterOptions
{
    /// <summary>Loopback port to bind; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Whether completion requests are kept for <see cref="FakeOpenRouterServer.Requests"/>. The exe turns it off:
    /// nobody can read the list from outside the process, and a long benchmark would only grow memory.
    /// </summary>
    public bool RecordRequests { get; init; } = true;
}
