namespace OaiRouter.Actors.Ledger;

/// <summary>
/// Everything the Ledger needs: where the SQLite file is, how long records are kept, how costs
/// are reconciled, and how writes and the projection are paced. The defaults fit a laptop.
/// </summary>
public sealed record LedgerSettings
{
    /// <summary>SQLite connection string of the file named by <c>DATABASE_URL</c>: journal and read tables live there.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Request and response bodies older than this are cleared from the read table.</summary>
    public int BodyRetentionDays { get; init; } = 30;

    /// <summary>Whole request rows older than this are deleted from the read table.</summary>
    public int MetadataRetentionDays { get; init; } = 365;

    /// <summary>Lookups of a missing cost at <c>GET /generation</c>, the first included.</summary>
    public int ReconcileAttempts { get; init; } = 5;

    /// <summary>Wait before the first lookup; doubled before each further one.</summary>
    public TimeSpan ReconcileDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between two lookups of the same generation.</summary>
    public TimeSpan ReconcileMaxDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Lookups in flight at once, so a burst of cut streams does not flood OpenRouter.</summary>
    public int ReconcileConcurrency { get; init; } = 4;

    /// <summary>Generations waiting for a lookup; past this, new ones are skipped (and logged).</summary>
    public int ReconcileQueueLimit { get; init; } = 10_000;

    /// <summary>Longest wait for one <c>GET /generation</c> answer.</summary>
    public TimeSpan ReconcileTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>OpenRouter's API root (<c>OPENROUTER_BASE_URL</c>), e.g. <c>https://openrouter.ai/api/v1</c>.</summary>
    public string OpenRouterBaseUrl { get; init; } = "https://openrouter.ai/api/v1";

    /// <summary><c>OPENROUTER_API_KEY</c>; without it costs are not reconciled.</summary>
    public string? OpenRouterApiKey { get; init; }

    /// <summary>How often the retention job runs (it also runs once shortly after start).</summary>
    public TimeSpan RetentionInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most events the projection writes in one transaction.</summary>
    public int ProjectionBatchSize { get; init; } = 500;

    /// <summary>Longest the projection waits to fill a batch.</summary>
    public TimeSpan ProjectionBatchWindow { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the journal query looks for new events; bounds how stale the read table is.</summary>
    public TimeSpan QueryRefreshInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Events held while the journal cannot be written; past this, the oldest are dropped (and logged).</summary>
    public int MaxPendingEvents { get; init; } = 100_000;

    /// <summary>First wait before the journal writer is restarted after a write failure; doubled up to <see cref="WriterMaxBackoff"/>.</summary>
    public TimeSpan WriterMinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait before the journal writer is restarted.</summary>
    public TimeSpan WriterMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait at shutdown for pending events to reach the journal.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Back-off bounds of the projection after a failure.</summary>
    public TimeSpan ProjectionMinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait before the projection is restarted after a failure.</summary>
    public TimeSpan ProjectionMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether missing costs can be looked up at all.</summary>
    public bool CanReconcile =>
        ReconcileAttempts > 0 && !string.IsNullOrWhiteSpace(OpenRouterApiKey) && !string.IsNullOrWhiteSpace(OpenRouterBaseUrl);
}
