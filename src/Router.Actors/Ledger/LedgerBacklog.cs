namespace OaiRouter.Actors.Ledger;

/// <summary>
/// How many events the Ledger holds that are not in the journal yet, shared by its supervisor
/// (which counts) and the HTTP edge (which waits for room). On 2 cores a saturating load can
/// produce events faster than the journal's share of the CPU writes them; the backlog then lives
/// only in memory, and a kill -9 would lose seconds of records. Past <see cref="HighWater"/> new
/// requests wait, up to <see cref="WaitLimit"/>, until the journal has caught up: the router then
/// serves what it can also record. A journal that is down (writer restarting) makes nobody wait:
/// waiting would not bring it back.
/// </summary>
/// <remarks>
/// Waiters are woken by the count itself (a completed task per threshold), not by polling: a
/// saturated router may have hundreds of requests waiting at once.
/// </remarks>
public sealed class LedgerBacklog(int highWater = LedgerBacklog.DefaultHighWater, TimeSpan? waitLimit = null)
{
    /// <summary>About half a second of events at the peak rates measured on 2 cores.</summary>
    public const int DefaultHighWater = 3_000;

    private int _pending;
    private volatile bool _writing;
    private TaskCompletionSource _room = Opened();
    private TaskCompletionSource _quiet = Opened();

    public int HighWater { get; } = Math.Max(1, highWater);

    public TimeSpan WaitLimit { get; } = waitLimit ?? TimeSpan.FromSeconds(1);

    /// <summary>Events told to the Ledger and not yet confirmed written.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>True while the journal is writing and more than <see cref="HighWater"/> events wait.</summary>
    public bool Full => _writing && Pending > HighWater;

    /// <summary>True while the journal is writing and has more than a quarter of <see cref="HighWater"/> waiting.</summary>
    private bool Busy => _writing && Pending > HighWater / 4;

    /// <summary>Called by the Ledger's supervisor (one thread) whenever its count or its writer changes.</summary>
    internal void Update(int pending, bool writing)
    {
        Volatile.Write(ref _pending, pending);
        _writing = writing;
        Signal(ref _room, !Full);
        Signal(ref _quiet, !Busy);
    }

    /// <summary>Returns at once when there is room; otherwise when there is, or after <see cref="WaitLimit"/>.</summary>
    /// <returns>How long it waited.</returns>
    public async ValueTask<TimeSpan> WaitForRoomAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Full)
        {
            return TimeSpan.Zero;
        }
        var started = time.GetTimestamp();
        try
        {
            await Volatile.Read(ref _room).Task.WaitAsync(WaitLimit, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Waited long enough: the request goes on; the backlog cannot grow past what waiting allows.
        }
        return time.GetElapsedTime(started);
    }

    /// <summary>
    /// Blocks the calling (dedicated) thread while the journal has work waiting, up to
    /// <paramref name="limit"/>. The read side calls it before each batch: the journal is the
    /// record and has to keep up; the tracking table can catch up once the burst is over. The
    /// projection costs more CPU per request than the journal (43 indexes and full-text search),
    /// and on 2 cores its share is taken from the journal's.
    /// </summary>
    /// <returns>False when it gave up after <paramref name="limit"/>.</returns>
    public bool YieldToJournal(TimeSpan limit) => !Busy || Volatile.Read(ref _quiet).Task.Wait(limit);

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.SetResult();
        return opened;
    }

    /// <summary>Completes the signal when its condition holds; arms a fresh one when it stops holding.</summary>
    private static void Signal(ref TaskCompletionSource signal, bool open)
    {
        if (open)
        {
            signal.TrySetResult();
        }
        else if (signal.Task.IsCompleted)
        {
            Volatile.Write(ref signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }
}
