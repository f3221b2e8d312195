using System.Collections.Concurrent;
using System.Net;
using OaiRouter.Media.Fetching;

namespace OaiRouter.Media.Tests.Support;

/// <summary>Resolves chosen test host names to chosen addresses; counts look-ups. Unknown names do not resolve.</summary>
public sealed class StaticResolver(IReadOnlyDictionary<string, IPAddress[]> names) : IHostResolver
{
    private int _lookups;

    public int Lookups => _lookups;

    public static StaticResolver Of(params (string Host, string Address)[] entries) =>
        new(entries.GroupBy(e => e.Host).ToDictionary(g => g.Key, g => g.Select(e => IPAddress.Parse(e.Address)).ToArray()));

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        return names.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}

/// <summary>Records every endpoint the fetcher was about to connect to.</summary>
public sealed class ConnectLog
{
    private readonly ConcurrentQueue<IPEndPoint> _endpoints = new();

    public IReadOnlyCollection<IPEndPoint> Endpoints => _endpoints;

    public void Record(IPEndPoint endpoint) => _endpoints.Enqueue(endpoint);
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A folder under the system temp folder, removed on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("media-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
