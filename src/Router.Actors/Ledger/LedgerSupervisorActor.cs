using Akka.Actor;
using Akka.Event;

namespace OaiRouter.Actors.Ledger;

/// <summary>
/// The Ledger's front door (registered under the <see cref="LedgerActor"/> key): takes events by
/// Tell, hands them to the <see cref="LedgerActor"/> writer and holds each until the writer
/// confirms it. When a write fails the writer stops; this actor logs it, starts a new writer after
/// a back-off and sends it every unconfirmed event again, so a database that is briefly locked or
/// full loses nothing and no request ever sees the failure. A replayed event may land twice; the
/// projection's upserts make that harmless.
/// </summary>
internal sealed class LedgerSupervisorActor : ReceiveActor, IWithTimers
{
    private const string RestartTimer = "restart-writer";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LedgerSettings _settings;
    private readonly Props _writerProps;
    private readonly Props? _reconcilerProps;
    private readonly LedgerBacklog _backlog;
    private IActorRef? _reconciler;
    private readonly LinkedList<PersistLedgerEvent> _pending = new();
    private readonly List<IActorRef> _flushWaiters = [];
    private IActorRef? _writer;
    private bool _writerReady;
    private long _sequenceNr = -1;
    private long _recoveredEvents;
    private long _nextId;
    private int _failures;
    private long _dropped;
    private int _writerGeneration;

    public LedgerSupervisorActor(LedgerSettings settings, Props writerProps, Props? reconcilerProps, LedgerBacklog backlog)
    {
        _settings = settings;
        _backlog = backlog;
        _writerProps = writerProps;
        _reconcilerProps = reconcilerProps;

        Receive<ILedgerEvent>(Record);
        Receive<LedgerEventsPersisted>(Confirmed);
        Receive<Terminated>(t => t.ActorRef.Equals(_writer), _ => WriterStopped());
        Receive<Terminated>(t => t.ActorRef.Equals(_reconciler), _ =>
        {
            _log.Warning("Cost reconciler stopped; starting a new one (pending lookups are lost)");
            StartReconciler();
        });
        Receive<StartLedgerWriter>(_ => StartWriter());
        Receive<FlushLedger>(_ =>
        {
            if (_pending.Count == 0)
            {
                Sender.Tell(LedgerFlushed.Instance);
            }
            else
            {
                _flushWaiters.Add(Sender);
            }
        });
        Receive<LedgerWriterReady>(m =>
        {
            if (Sender.Equals(_writer))
            {
                _writerReady = true;
                _sequenceNr = m.SequenceNr;
                _recoveredEvents = m.RecoveredEvents;
                ReportBacklog();
            }
        });
        Receive<PruneLedgerJournal>(m =>
        {
            if (_writerReady)
            {
                _writer!.Tell(m);
            }
        });
        Receive<GetLedgerStatus>(_ =>
            Sender.Tell(new LedgerStatus(_sequenceNr, _recoveredEvents, _writerReady, _pending.Count)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(LedgerSettings settings, Props writerProps, Props? reconcilerProps, LedgerBacklog? backlog = null) =>
        Akka.Actor.Props.Create(() => new LedgerSupervisorActor(settings, writerProps, reconcilerProps, backlog ?? new LedgerBacklog()));

    protected override void PreStart()
    {
        StartReconciler();
        StartWriter();
    }

    /// <summary>
    /// A child that throws is stopped, never restarted in place: a restarted writer would forget
    /// which events it had in flight, so the supervisor's own retry path (on <see cref="Terminated"/>) takes over.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(ex =>
        {
            _log.Error(ex, "Ledger child failed");
            return Directive.Stop;
        });

    private void Record(ILedgerEvent e)
    {
        var pending = new PersistLedgerEvent(++_nextId, e);
        _pending.AddLast(pending);
        if (_pending.Count > _settings.MaxPendingEvents)
        {
            // Only reachable while the journal has been failing for a long time: keep memory bounded.
            _pending.RemoveFirst();
            if (_dropped++ % 1000 == 0)
            {
                _log.Error("Ledger journal unavailable: {Dropped} events dropped so far ({Limit} held)",
                    _dropped, _settings.MaxPendingEvents);
            }
        }
        _writer?.Tell(pending);
        ReportBacklog();

        if (_reconciler is not null && e is RequestFinished finished && CostReconciliationPolicy.NeedsLookup(finished))
        {
            _reconciler.Tell(new ReconcileCost(finished.RequestId, finished.GenerationId!));
        }
    }

    private void Confirmed(LedgerEventsPersisted m)
    {
        _failures = 0;
        _sequenceNr = Math.Max(_sequenceNr, m.SequenceNr);
        while (_pending.First is { } first && first.Value.Id <= m.Id)
        {
            _pending.RemoveFirst();
        }
        ReportBacklog();
        if (_pending.Count == 0 && _flushWaiters.Count > 0)
        {
            foreach (var waiter in _flushWaiters)
            {
                waiter.Tell(LedgerFlushed.Instance);
            }
            _flushWaiters.Clear();
        }
    }

    private void WriterStopped()
    {
        _writer = null;
        _writerReady = false;
        ReportBacklog();
        _failures++;
        var delay = WriterBackoff(_failures);
        _log.Warning("Ledger writer stopped ({Failures} in a row); {Pending} events wait, retrying in {Delay}",
            _failures, _pending.Count, delay);
        Timers.StartSingleTimer(RestartTimer, StartLedgerWriter.Instance, delay);
    }

    private void StartWriter()
    {
        _writer = Context.Watch(Context.ActorOf(_writerProps, $"writer-{++_writerGeneration}"));
        foreach (var pending in _pending)
        {
            _writer.Tell(pending);
        }
    }

    private void ReportBacklog() => _backlog.Update(_pending.Count, _writerReady);

    private void StartReconciler()
    {
        if (_reconcilerProps is not null)
        {
            _reconciler = Context.Watch(Context.ActorOf(_reconcilerProps, $"cost-reconciler-{++_writerGeneration}"));
        }
    }

    private TimeSpan WriterBackoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 16));
        var delay = TimeSpan.FromTicks((long)Math.Min(_settings.WriterMinBackoff.Ticks * factor, _settings.WriterMaxBackoff.Ticks));
        return delay;
    }
}
