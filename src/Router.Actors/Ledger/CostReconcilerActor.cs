using Akka.Actor;
using Akka.Event;

namespace OaiRouter.Actors.Ledger;

/// <summary>Asks the reconciler to find the cost of <paramref name="GenerationId"/> for <paramref name="RequestId"/>.</summary>
internal sealed record ReconcileCost(string RequestId, string GenerationId);

/// <summary>
/// Looks up missing costs at OpenRouter's <c>GET /generation</c> and tells its parent (the
/// Ledger) a <see cref="CostReconciled"/> when one is found. When to ask again and when to give
/// up is <see cref="CostReconciliationPolicy"/>'s call; this actor only schedules, pipes results
/// back and keeps a few lookups in flight at most.
/// </summary>
internal sealed class CostReconcilerActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly GenerationClient _client;
    private readonly CostReconciliationPolicy _policy;
    private readonly LedgerSettings _settings;
    private readonly TimeProvider _time;
    private readonly Queue<Lookup> _due = new();
    private readonly CancellationTokenSource _cancellation = new();
    private int _inFlight;
    private int _waiting;

    public CostReconcilerActor(GenerationClient client, LedgerSettings settings, TimeProvider time)
    {
        _client = client;
        _settings = settings;
        _policy = CostReconciliationPolicy.From(settings);
        _time = time;

        Receive<ReconcileCost>(m =>
        {
            if (_waiting >= _settings.ReconcileQueueLimit)
            {
                _log.Warning("Cost lookup for {RequestId} skipped: {Waiting} lookups already wait", m.RequestId, _waiting);
                return;
            }
            _waiting++;
            Schedule(new Lookup(m.RequestId, m.GenerationId, 1), _policy.FirstDelay);
        });
        Receive<Lookup>(lookup =>
        {
            _due.Enqueue(lookup);
            StartDue();
        });
        Receive<LookupDone>(Done);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(GenerationClient client, LedgerSettings settings, TimeProvider time) =>
        Akka.Actor.Props.Create(() => new CostReconcilerActor(client, settings, time));

    protected override void PostStop()
    {
        _cancellation.Cancel();
        _cancellation.Dispose();
    }

    private void Schedule(Lookup lookup, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Self.Tell(lookup);
        }
        else
        {
            Timers.StartSingleTimer(lookup, lookup, delay);
        }
    }

    private void StartDue()
    {
        while (_inFlight < Math.Max(1, _settings.ReconcileConcurrency) && _due.TryDequeue(out var lookup))
        {
            _inFlight++;
            _client.LookupAsync(lookup.GenerationId, _cancellation.Token).PipeTo(Self,
                success: result => new LookupDone(lookup, result),
                failure: ex => new LookupDone(lookup, new GenerationUnavailable(null, ex.Message)));
        }
    }

    private void Done(LookupDone done)
    {
        _inFlight--;
        var lookup = done.Lookup;
        switch (_policy.Decide(lookup.Attempt, done.Result))
        {
            case RecordCost record:
                _waiting--;
                var found = record.Found;
                Context.Parent.Tell(new CostReconciled(
                    lookup.RequestId, _time.GetUtcNow(), lookup.GenerationId, found.CostUsd,
                    found.PromptTokens, found.CompletionTokens, found.ReasoningTokens, found.CachedTokens,
                    CostSources.Generation));
                break;
            case LookUpAgain again:
                Schedule(lookup with { Attempt = lookup.Attempt + 1 }, again.Delay);
                break;
            case GiveUp giveUp:
                _waiting--;
                _log.Info("No cost for {RequestId} (generation {GenerationId}): {Reason}",
                    lookup.RequestId, lookup.GenerationId, giveUp.Reason);
                break;
        }
        StartDue();
    }

    private sealed record Lookup(string RequestId, string GenerationId, int Attempt);

    private sealed record LookupDone(Lookup Lookup, GenerationLookup Result);
}
