namespace OaiRouter.Tracking.Storage;

/// <summary>
/// The read side in the same SQLite file as the journal: one row per request, kept by the
/// projection and read by the tracking UI. Times are Unix milliseconds (UTC). A row of
/// <c>requests_fts</c> has the <c>rowid</c> of its request's <c>seq</c>. Columns are only ever
/// added, never renamed: the UI reads them by name.
/// </summary>
public static class RequestsSchema
{
    /// <summary>Written to <c>PRAGMA user_version</c> at start-up; raise it with each migration.</summary>
    public const int Version = 1;

    /// <summary>The projection's row in <c>projection_offsets</c>.</summary>
    public const string RequestsProjection = "requests";

    public const string CreateSql = """
        CREATE TABLE IF NOT EXISTS requests (
            seq               INTEGER PRIMARY KEY AUTOINCREMENT,
            request_id        TEXT NOT NULL UNIQUE,
            generation_id     TEXT,
            received_at       INTEGER NOT NULL,
            finished_at       INTEGER,
            endpoint          TEXT NOT NULL,
            key_label         TEXT,
            model_requested   TEXT,
            model_routed      TEXT,
            model_answered    TEXT,
            routing_reason    TEXT,
            stream            INTEGER NOT NULL DEFAULT 0,
            outcome           TEXT NOT NULL DEFAULT 'received',
            status            INTEGER,
            error_type        TEXT,
            error_message     TEXT,
            prompt_tokens     INTEGER,
            completion_tokens INTEGER,
            total_tokens      INTEGER,
            cached_tokens     INTEGER,
            reasoning_tokens  INTEGER,
            cost_usd          REAL,
            cost_source       TEXT,
            latency_ms        REAL,
            upstream_ttfb_ms  REAL,
            overhead_ms       REAL,
            media_ms          REAL,
            bytes_in          INTEGER,
            bytes_out         INTEGER,
            finish_reason     TEXT,
            attempts          INTEGER,
            request_body      TEXT,
            response_body     TEXT,
            media_json        TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_requests_received ON requests(received_at, seq);
        CREATE INDEX IF NOT EXISTS ix_requests_model ON requests(model_requested, received_at, seq);
        CREATE INDEX IF NOT EXISTS ix_requests_status ON requests(status, received_at, seq);
        CREATE INDEX IF NOT EXISTS ix_requests_endpoint ON requests(endpoint, received_at, seq);
        CREATE INDEX IF NOT EXISTS ix_requests_key ON requests(key_label, received_at, seq);
        CREATE INDEX IF NOT EXISTS ix_requests_generation ON requests(generation_id);
        CREATE VIRTUAL TABLE IF NOT EXISTS requests_fts USING fts5(
            request_id, request_text, response_text, tokenize = 'unicode61');
        CREATE TABLE IF NOT EXISTS projection_offsets (
            projection TEXT PRIMARY KEY,
            offset_value INTEGER NOT NULL
        );
        """;
}
