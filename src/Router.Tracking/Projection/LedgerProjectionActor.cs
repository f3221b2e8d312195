using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using OaiRouter.Actors.Ledger;

namespace OaiRouter.Tracking.Projection;

/// <summary>Asks the projection how far it got; answered with <see cref="ProjectionStatus"/>.</summary>
public sealed record GetProjectionStatus
{
    public static readonly GetProjectionStatus Instance = new();
}

/// <summary>
/// Events applied by this projection since it started (not counting earlier runs), the last
/// offset it committed, and how often its stream was restarted after a failure.
/// </summary>
public sealed record ProjectionStatus(long EventsApplied, long Offset, int Restarts);

/// <summary>
/// Keeps the <c>requests</c> read table in step with the journal: an Akka.Streams flow from
/// <c>AllEvents(offset)</c> keeping the Ledger's persistence id, grouped into batches, each written by
/// <see cref="RequestsProjectionWriter"/> in one transaction with its offset. The stream is
/// wrapped in <see cref="RestartSource"/>: a failure (database locked past its timeout, disk full)
/// is logged and the stream starts again after a back-off from the last committed offset, so
/// nothing is skipped and the process never goes down with it. The stream lives and dies with
/// this actor.
/// </summary>
public sealed class LedgerProjectionActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LedgerSettings _settings;
    private readonly RequestsProjectionWriter _writer;
    private readonly LedgerBacklog? _backlog;
    private UniqueKillSwitch? _killSwitch;
    private long _applied;
    private long _offset;
    private int _starts;

    public LedgerProjectionActor(LedgerSettings settings, LedgerBacklog? backlog = null)
    {
        _settings = settings;
        _backlog = backlog;
        _writer = new RequestsProjectionWriter(settings.ConnectionString);

        Receive<BatchApplied>(m =>
        {
            _applied += m.Events;
            _offset = Math.Max(_offset, m.Offset);
        });
        Receive<GetProjectionStatus>(_ =>
            Sender.Tell(new ProjectionStatus(_applied, _offset, Math.Max(0, _starts - 1))));
        Receive<StreamStarting>(_ => _starts++);
    }

    public static Props Props(LedgerSettings settings, LedgerBacklog? backlog = null) =>
        Akka.Actor.Props.Create(() => new LedgerProjectionActor(settings, backlog));

    protected override void PreStart()
    {
        var readJournal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var self = Self;
        var log = _log;
        var writer = _writer;
        var settings = _settings;
        var backlog = _backlog;

        var restart = RestartSettings.Create(settings.ProjectionMinBackoff, settings.ProjectionMaxBackoff, 0.2);
        var source = RestartSource.WithBackoff(() =>
        {
            self.Tell(StreamStarting.Instance);
            return Source.FromTask(Task.Run(() =>
                {
                    writer.EnsureSchema();
                    return writer.ReadOffset();
                }))
                // AllEvents pages through the journal's primary key (ordering); EventsByTag on
                // SQLite read and sorted every tagged row ever written for each page, and fell
                // minutes behind under load. The offset is the same ordering either way.
                .ConcatMany(offset => readJournal.AllEvents(Offset.Sequence(offset)))
                .Where(envelope => envelope.PersistenceId == LedgerJournal.PersistenceId)
                .Select(envelope => new ProjectedEvent(((Sequence)envelope.Offset).Value, envelope.Event))
                .GroupedWithin(Math.Max(1, settings.ProjectionBatchSize), settings.ProjectionBatchWindow)
                // A thread of its own per batch: the write blocks in SQLite for tens of
                // milliseconds, which on a pool thread delayed requests (see LedgerRegistration).
                .SelectAsync(1, batch => Task.Factory.StartNew(() =>
                {
                    var events = batch.ToList();
                    // The journal first: under a burst this table lags, then catches up.
                    backlog?.YieldToJournal(YieldLimit);
                    try
                    {
                        var applied = writer.Apply(events);
                        return new BatchApplied(applied, events[^1].Offset);
                    }
                    catch (Exception ex)
                    {
                        log.Error(ex, "Ledger projection failed to write {Count} events; restarting from the last stored offset",
                            events.Count);
                        throw;
                    }
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        }, restart);

        _killSwitch = source
            .ViaMaterialized(KillSwitches.Single<BatchApplied>(), Keep.Right)
            .To(Sink.ForEach<BatchApplied>(m => self.Tell(m)))
            .Run(Context.Materializer());
    }

    /// <summary>Longest pause before one batch: the table still moves under a sustained load.</summary>
    private static readonly TimeSpan YieldLimit = TimeSpan.FromSeconds(1);

    protected override void PostStop() => _killSwitch?.Shutdown();

    private sealed record BatchApplied(int Events, long Offset);

    private sealed record StreamStarting
    {
        public static readonly StreamStarting Instance = new();
    }
}
