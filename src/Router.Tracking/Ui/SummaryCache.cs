using System.Collections.Concurrent;
using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Ui;

/// <summary>
/// Keeps each summary for a minute: its figures come from a pass over every request in range,
/// and a dashboard is reloaded far more often than its figures change. Presets end on the next
/// whole minute, so everyone looking at "last 7 days" within a minute shares one computation.
/// </summary>
internal sealed class SummaryCache(RequestStore store, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private const int MaxEntries = 64;

    private readonly ConcurrentDictionary<(DateTimeOffset From, DateTimeOffset To), (DateTimeOffset Expires, Lazy<Task<TrafficSummary>> Summary)> _entries = new();

    public Task<TrafficSummary> GetAsync(SummaryRange range, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = (range.From, range.To);
        if (_entries.TryGetValue(key, out var entry) && entry.Expires > now && !entry.Summary.Value.IsFaulted && !entry.Summary.Value.IsCanceled)
        {
            return entry.Summary.Value.WaitAsync(cancellationToken);
        }
        if (_entries.Count >= MaxEntries)
        {
            foreach (var stale in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(stale, out _);
            }
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
        }
        // Not tied to this request's cancellation: others may be waiting for the same figures.
        var fresh = (now + Lifetime, new Lazy<Task<TrafficSummary>>(() => store.SummaryAsync(range.From, range.To, CancellationToken.None)));
        var stored = _entries.AddOrUpdate(key, fresh, (_, old) => old.Expires > now && !old.Summary.Value.IsFaulted ? old : fresh);
        return stored.Summary.Value.WaitAsync(cancellationToken);
    }
}
