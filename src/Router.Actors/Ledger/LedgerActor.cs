using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace OaiRouter.Actors.Ledger;

/// <summary>
/// The Ledger's journal writer: persists every <see cref="ILedgerEvent"/> under one persistence
/// id, untagged: the projection reads the journal in its own order (<c>AllEvents</c>, a range
/// of the primary key), and a tag would cost a row in the tag table per event and force
/// Akka.Persistence.Sql to insert journal rows one by one instead of in multi-row batches. It keeps no state built from
/// events, so it never replays them: <see cref="Recovery"/> is <see cref="Akka.Persistence.Recovery.None"/>,
/// which only reads the highest sequence number (one indexed <c>MAX</c> query), and start-up
/// costs the same with ten events or ten million. Snapshots or rotating persistence ids would
/// buy the same for state we do not have.
/// </summary>
/// <remarks>
/// It lives under <see cref="LedgerSupervisorActor"/>, which is what the registry hands out for
/// this key: a write failure stops a persistent actor (Akka's rule), and the supervisor starts a
/// new writer after a back-off and sends it the events that were not confirmed.
/// Writes use <c>PersistAllAsync</c> over a short window (<see cref="BatchWindow"/>): the actor
/// never waits for the database between messages, and each window is one transaction.
/// </remarks>
public sealed class LedgerActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>
    /// Events are gathered for up to this long (or <see cref="MaxBatch"/> of them) and written in
    /// one journal call: at moderate rates a write per event cost more CPU than the request it
    /// recorded, and the window adds at most this much to what a kill -9 can lose.
    /// </summary>
    internal static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(10);

    internal const int MaxBatch = 500;
    private const string FlushTimer = "flush";

    private readonly List<ILedgerEvent> _batch = new(MaxBatch);

    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Persist callbacks (and rejections) arrive in the order the events were persisted.
    private readonly Queue<long> _inFlight = new();
    private long _recoveredEvents;

    // Journal pruning runs in steps so no single delete holds SQLite's write lock for long.
    private const long PruneStep = 5_000;
    private long _pruneTarget;
    private long _pruneNext;
    private bool _pruning;

    public LedgerActor()
    {
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Ledger journal opened at sequence number {SequenceNr} without replaying events", LastSequenceNr);
            Context.Parent.Tell(new LedgerWriterReady(LastSequenceNr, _recoveredEvents));
        });
        Recover<object>(_ => _recoveredEvents++);

        Command<PersistLedgerEvent>(m =>
        {
            _inFlight.Enqueue(m.Id);
            _batch.Add(m.Event);
            if (_batch.Count >= MaxBatch)
            {
                WriteBatch();
            }
            else if (_batch.Count == 1)
            {
                Timers.StartSingleTimer(FlushTimer, FlushBatch.Instance, BatchWindow);
            }
        });
        Command<FlushBatch>(_ => WriteBatch());
        Command<PruneLedgerJournal>(m =>
        {
            _pruneTarget = Math.Max(_pruneTarget, Math.Min(m.ToSequenceNr, LastSequenceNr));
            _pruneNext = Math.Max(_pruneNext, m.FromSequenceNr);
            PruneNextStep();
        });
        Command<DeleteMessagesSuccess>(m =>
        {
            _pruning = false;
            PruneNextStep();
        });
        Command<DeleteMessagesFailure>(m =>
        {
            _pruning = false;
            _log.Warning("Pruning the ledger journal up to {SequenceNr} failed: {Reason}; the next retention pass retries",
                m.ToSequenceNr, m.Cause.Message);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => LedgerJournal.PersistenceId;

    public override Recovery Recovery => Recovery.None;

    internal static Props Props() => Akka.Actor.Props.Create(() => new LedgerActor());

    /// <summary>One journal write for everything gathered; callbacks confirm each event in order.</summary>
    private void WriteBatch()
    {
        Timers.Cancel(FlushTimer);
        if (_batch.Count == 0)
        {
            return;
        }
        PersistAllAsync(_batch.ToArray(), _ => Confirm());
        _batch.Clear();
    }

    private void PruneNextStep()
    {
        if (_pruning || _pruneNext > _pruneTarget)
        {
            return;
        }
        var to = Math.Min(_pruneTarget, _pruneNext + PruneStep - 1);
        _pruneNext = to + 1;
        _pruning = true;
        DeleteMessages(to);
    }

    private void Confirm()
    {
        if (_inFlight.TryDequeue(out var id))
        {
            Context.Parent.Tell(new LedgerEventsPersisted(id, LastSequenceNr));
        }
    }

    /// <summary>The journal refused this one event (e.g. it cannot be serialized); retrying would not help.</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Ledger event {SequenceNr} ({EventType}) was rejected by the journal and is dropped",
            sequenceNr, (@event is Tagged t ? t.Payload : @event).GetType().Name);
        Confirm();
    }

    /// <summary>The write failed (database locked, disk full, …). Akka stops this actor next; the supervisor retries.</summary>
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        _log.Warning("Ledger write of event {SequenceNr} failed: {Reason}; the writer restarts and retries",
            sequenceNr, cause.Message);

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        _log.Warning("Ledger journal could not be opened: {Reason}; retrying after a back-off", reason.Message);

    private sealed class FlushBatch
    {
        public static readonly FlushBatch Instance = new();
    }
}
