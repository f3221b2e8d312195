using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OaiRouter.FakeOpenRouter.Completions;
using OaiRouter.FakeOpenRouter.Generations;
using OaiRouter.FakeOpenRouter.Http;

namespace OaiRouter.FakeOpenRouter;

/// <summary>Everything one fake server remembers; shared by all its request handlers.</summary>
internal sealed class FakeState(FakeOpenRouterOptions options, TimeProvider time)
{
    // Benchmarks may use many model strings; past this many the cache stops growing and entries are rebuilt.
    private const int ModelCacheCapacity = 1024;

    private readonly List<ReceivedRequest> _requests = [];
    private readonly ConcurrentDictionary<string, ModelEntry> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _flakyAttempts = new(StringComparer.Ordinal);
    private readonly Lock _cancelGate = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _cancelWaiters = [];
    private int _cancelled;
    private int _modelsCalls;
    private int _generationCalls;

    public bool RecordRequests { get; } = options.RecordRequests;

    public TimeProvider Time { get; } = time;

    public GenerationStore Generations { get; } = new();

    /// <summary>Fires when the server starts stopping, so stalled answers do not hold up disposal.</summary>
    public CancellationToken Stopping { get; set; }

    public int ModelsCalls => Volatile.Read(ref _modelsCalls);

    public int GenerationCalls => Volatile.Read(ref _generationCalls);

    public int CancelledRequests => Volatile.Read(ref _cancelled);

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    public void Record(HttpRequest request, string body)
    {
        if (!RecordRequests)
        {
            return;
        }

        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        var received = new ReceivedRequest(
            request.Method,
            request.PathBase.Add(request.Path).Value ?? string.Empty,
            request.QueryString.Value ?? string.Empty,
            headers,
            body);
        lock (_requests)
        {
            _requests.Add(received);
        }
    }

    /// <summary>A delay that ends early when the client goes away or the server stops.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken requestAborted)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, Stopping);
        await Task.Delay(delay, Time, either.Token);
    }

    public void CountModelsCall() => Interlocked.Increment(ref _modelsCalls);

    public void CountGenerationCall() => Interlocked.Increment(ref _generationCalls);

    /// <summary>1 for the first request with this exact model string, 2 for the second, ...</summary>
    public int NextFlakyAttempt(string model) => _flakyAttempts.AddOrUpdate(model, 1, static (_, n) => n + 1);

    public ModelEntry Model(string model)
    {
        if (_models.TryGetValue(model, out var entry))
        {
            return entry;
        }

        entry = new ModelEntry(FakeBehaviour.Parse(model), JsonEncodedText.Encode(model, JsonScratch.Encoder));
        if (_models.Count < ModelCacheCapacity)
        {
            _models.TryAdd(model, entry);
        }

        return entry;
    }

    public void CountCancelled()
    {
        lock (_cancelGate)
        {
            var now = ++_cancelled;
            for (var i = _cancelWaiters.Count - 1; i >= 0; i--)
            {
                if (_cancelWaiters[i].Count <= now)
                {
                    _cancelWaiters[i].Done.TrySetResult();
                    _cancelWaiters.RemoveAt(i);
                }
            }
        }
    }

    public async Task<bool> WaitForCancelledAsync(int count, TimeSpan timeout)
    {
        var waiter = (Count: count, Done: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_cancelGate)
        {
            if (_cancelled >= count)
            {
                return true;
            }

            _cancelWaiters.Add(waiter);
        }

        try
        {
            await waiter.Done.Task.WaitAsync(timeout, Time);
            return true;
        }
        catch (TimeoutException)
        {
            lock (_cancelGate)
            {
                _cancelWaiters.Remove(waiter);
                return _cancelled >= count;
            }
        }
    }
}

/// <summary>A model string's behaviour and its JSON-encoded name, computed once per model.</summary>
internal sealed record ModelEntry(FakeBehaviour Behaviour, JsonEncodedText EncodedName);
