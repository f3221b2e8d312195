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
public sealed class LedgerBacklog(int highWater = LedgerBacklog.DefaultHighWater, TimeSpan? waitLimit = null)
{
    /// <summary>About half a second of events at the peak rates measured on 2 cores.</summary>
    public const int DefaultHighWater = 3_000;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private int _pending;
    private volatile bool _writing;

    public int HighWater { get; } = Math.Max(1, highWater);

    public TimeSpan WaitLimit { get; } = waitLimit ?? TimeSpan.FromSeconds(1);

    /// <summary>Events told to the Ledger and not yet confirmed written.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>True while the journal is writing and more than <see cref="HighWater"/> events wait.</summary>
    public bool Full => _writing && Pending > HighWater;

    internal void Update(int pending, bool writing)
    {
        Volatile.Write(ref _pending, pending);
        _writing = writing;
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
        while (Full && time.GetElapsedTime(started) < WaitLimit)
        {
            await Task.Delay(PollInterval, time, cancellationToken);
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
    /// <returns>How long it waited.</returns>
    public TimeSpan YieldToJournal(TimeProvider time, TimeSpan limit)
    {
        var started = time.GetTimestamp();
        while (_writing && Pending > HighWater / 4 && time.GetElapsedTime(started) < limit)
        {
            Thread.Sleep(YieldStep);
        }
        return time.GetElapsedTime(started);
    }

    private static readonly TimeSpan YieldStep = TimeSpan.FromMilliseconds(20);
}
