using System.Collections.Concurrent;

namespace OaiRouter.FakeOpenRouter.Generations;

/// <summary>What <c>GET /generation</c> reports about one generation the fake produced.</summary>
internal sealed class GenerationRecord(string id, string model, bool streamed)
{
    private volatile string _finishReason = "stop";
    private volatile bool _cancelled;

    public string Id { get; } = id;

    public string Model { get; } = model;

    public bool Streamed { get; } = streamed;

    public string FinishReason { get => _finishReason; set => _finishReason = value; }

    public bool Cancelled { get => _cancelled; set => _cancelled = value; }
}

/// <summary>Generations by id; bounded so a long benchmark does not grow without limit.</summary>
internal sealed class GenerationStore
{
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, GenerationRecord> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly string _idPrefix = "gen-" + DateTimeOffset.UtcNow.ToUnixTimeSeconds() + "-"
        + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4)) + "-";
    private long _next;

    public GenerationRecord Create(string model, bool streamed)
    {
        var record = new GenerationRecord(_idPrefix + Interlocked.Increment(ref _next), model, streamed);
        _byId[record.Id] = record;
        _order.Enqueue(record.Id);
        while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
        {
            _byId.TryRemove(oldest, out _);
        }

        return record;
    }

    public GenerationRecord? Find(string id) => _byId.GetValueOrDefault(id);
}
