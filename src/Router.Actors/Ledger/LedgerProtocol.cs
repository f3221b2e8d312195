namespace OaiRouter.Actors.Ledger;

/// <summary>Names the journal the projection reads.</summary>
public static class LedgerJournal
{
    /// <summary>The single persistence id all ledger events are written under.</summary>
    public const string PersistenceId = "ledger";
}

/// <summary>
/// Asks the Ledger to answer <see cref="LedgerFlushed"/> once every event told before it is in
/// the journal. Run at shutdown; tests use it to wait for writes.
/// </summary>
public sealed record FlushLedger
{
    public static readonly FlushLedger Instance = new();
}

/// <summary>Every event told before the matching <see cref="FlushLedger"/> is written (or was dropped and logged).</summary>
public sealed record LedgerFlushed
{
    public static readonly LedgerFlushed Instance = new();
}

/// <summary>Asks the Ledger where it stands; answered with <see cref="LedgerStatus"/>.</summary>
public sealed record GetLedgerStatus
{
    public static readonly GetLedgerStatus Instance = new();
}

/// <summary>
/// The journal position (the highest sequence number written, -1 before the journal was first
/// read), how many events the current writer had replayed into it at start (always 0: the
/// Ledger never replays its history), whether a writer is up, and how many events wait for
/// the journal's confirmation.
/// </summary>
public sealed record LedgerStatus(long LastSequenceNr, long RecoveredEvents, bool WriterRunning, int PendingEvents);

/// <summary>
/// Deletes journal events with sequence numbers from <paramref name="FromSequenceNr"/> to
/// <paramref name="ToSequenceNr"/>: ones the projection has already applied and whose bodies are
/// past retention, so the journal does not keep every body forever. Sent by the retention job.
/// </summary>
public sealed record PruneLedgerJournal(long FromSequenceNr, long ToSequenceNr);

/// <summary>Supervisor to writer: persist this event, known to the supervisor by <paramref name="Id"/>.</summary>
internal sealed record PersistLedgerEvent(long Id, ILedgerEvent Event);

/// <summary>
/// Writer to supervisor: every event up to <paramref name="Id"/> is done with (written, or
/// rejected and logged); the journal is at <paramref name="SequenceNr"/>.
/// </summary>
internal sealed record LedgerEventsPersisted(long Id, long SequenceNr);

/// <summary>Writer to supervisor: the journal was opened at <paramref name="SequenceNr"/>.</summary>
internal sealed record LedgerWriterReady(long SequenceNr, long RecoveredEvents);

/// <summary>Supervisor to itself: time to start a new writer.</summary>
internal sealed record StartLedgerWriter
{
    public static readonly StartLedgerWriter Instance = new();
}
