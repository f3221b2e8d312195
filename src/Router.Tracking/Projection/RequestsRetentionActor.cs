using Akka.Actor;
using Akka.Event;
using OaiRouter.Actors.Ledger;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Tracking.Projection;

/// <summary>Asks for a retention pass now; answered with the <see cref="RetentionResult"/> when it ran.</summary>
public sealed record RunRetention
{
    public static readonly RunRetention Instance = new();
}

/// <summary>
/// Runs <see cref="RequestsRetention"/> shortly after start and then every
/// <see cref="LedgerSettings.RetentionInterval"/>, off the actor's thread; one pass at a time.
/// Journal events past body retention that the projection has applied are then pruned by the
/// Ledger (<see cref="PruneLedgerJournal"/>). A failed pass is logged and tried again at the next tick.
/// </summary>
public sealed class RequestsRetentionActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waiting = [];
    private bool _running;

    public RequestsRetentionActor(LedgerSettings settings, TimeProvider time, IActorRef? ledger)
    {
        Receive<RunRetention>(_ =>
        {
            if (!Sender.IsNobody() && !Sender.Equals(Self))
            {
                _waiting.Add(Sender);
            }
            if (_running)
            {
                return;
            }
            _running = true;
            var now = time.GetUtcNow();
            Task.Run(() => RequestsRetention.Run(settings.ConnectionString, now, settings.BodyRetentionDays, settings.MetadataRetentionDays))
                .PipeTo(Self, failure: ex => new Status.Failure(ex));
        });
        Receive<RetentionResult>(result =>
        {
            _running = false;
            if (result.BodiesCleared > 0 || result.RowsDeleted > 0)
            {
                _log.Info("Retention cleared {Bodies} bodies and deleted {Rows} request rows", result.BodiesCleared, result.RowsDeleted);
            }
            if (result.PrunableJournal is { } range && ledger is not null)
            {
                ledger.Tell(new PruneLedgerJournal(range.From, range.To));
            }
            Reply(result);
        });
        Receive<Status.Failure>(failure =>
        {
            _running = false;
            _log.Error(failure.Cause, "Retention pass failed; trying again at the next tick");
            Reply(failure);
        });

        Timers.StartPeriodicTimer("retention", RunRetention.Instance,
            Min(FirstRun, settings.RetentionInterval), settings.RetentionInterval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(LedgerSettings settings, TimeProvider time, IActorRef? ledger) =>
        Akka.Actor.Props.Create(() => new RequestsRetentionActor(settings, time, ledger));

    private void Reply(object message)
    {
        foreach (var waiter in _waiting)
        {
            waiter.Tell(message);
        }
        _waiting.Clear();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
