using Microsoft.Data.Sqlite;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Tracking.Tests.Queries;

/// <summary>One row to insert; defaults make a completed chat request.</summary>
public sealed record TestRow
{
    public string RequestId { get; init; } = "req_" + Guid.NewGuid().ToString("N");
    public long ReceivedAt { get; init; } = 1_750_000_000_000;
    public string Endpoint { get; init; } = "/v1/chat/completions";
    public string? KeyLabel { get; init; } = "key-1";
    public string? ModelRequested { get; init; } = "openai/gpt-4o-mini";
    public string? ModelAnswered { get; init; }
    public bool Stream { get; init; }
    public string Outcome { get; init; } = "completed";
    public int? Status { get; init; } = 200;
    public string? ErrorType { get; init; }
    public string? ErrorMessage { get; init; }
    public long? PromptTokens { get; init; } = 10;
    public long? CompletionTokens { get; init; } = 5;
    public long? TotalTokens { get; init; } = 15;
    public double? CostUsd { get; init; } = 0.0001;
    public string? CostSource { get; init; } = "response";
    public double? LatencyMs { get; init; } = 500;
    public string? RequestBody { get; init; } = """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";
    public string? ResponseBody { get; init; } = """{"choices":[{"message":{"role":"assistant","content":"hi"}}]}""";
    public string? MediaJson { get; init; }
    public string RequestText { get; init; } = "hello";
    public string? ResponseText { get; init; } = "hi";
    public string? GenerationId { get; init; }
    public long Seq { get; set; }
}

/// <summary>A requests table in a temp SQLite file of its own, deleted with the test.</summary>
public sealed class TrackingDb : IDisposable
{
    public TrackingDb()
    {
        Directory = Path.Combine(Path.GetTempPath(), "oai-tracking-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "tracking.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;" + RequestsSchema.CreateSql;
        command.ExecuteNonQuery();
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public List<TestRow> Rows { get; } = [];

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Inserts rows as the projection would (row plus full-text row); sets their Seq.</summary>
    public void Insert(params IEnumerable<TestRow> rows)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        foreach (var row in rows)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO requests (request_id, generation_id, received_at, finished_at, endpoint, key_label,
                    model_requested, model_routed, model_answered, routing_reason, stream, outcome, status, error_type,
                    error_message, prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens,
                    cost_usd, cost_source, latency_ms, upstream_ttfb_ms, overhead_ms, media_ms, bytes_in, bytes_out,
                    finish_reason, attempts, request_body, response_body, media_json)
                VALUES ($id, $gen, $at, $finished, $endpoint, $key, $model, $model, $answered, 'requested', $stream,
                    $outcome, $status, $error_type, $error_message, $prompt, $completion, $total, 2, NULL,
                    $cost, $cost_source, $latency, $ttfb, 1.5, 0, 120, 340, 'stop', 1, $request_body, $response_body, $media)
                RETURNING seq
                """;
            insert.Parameters.AddWithValue("$id", row.RequestId);
            insert.Parameters.AddWithValue("$gen", (object?)row.GenerationId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$at", row.ReceivedAt);
            insert.Parameters.AddWithValue("$finished", row.LatencyMs is null ? DBNull.Value : row.ReceivedAt + (long)row.LatencyMs.Value);
            insert.Parameters.AddWithValue("$endpoint", row.Endpoint);
            insert.Parameters.AddWithValue("$key", (object?)row.KeyLabel ?? DBNull.Value);
            insert.Parameters.AddWithValue("$model", (object?)row.ModelRequested ?? DBNull.Value);
            insert.Parameters.AddWithValue("$answered", (object?)row.ModelAnswered ?? DBNull.Value);
            insert.Parameters.AddWithValue("$stream", row.Stream ? 1 : 0);
            insert.Parameters.AddWithValue("$outcome", row.Outcome);
            insert.Parameters.AddWithValue("$status", (object?)row.Status ?? DBNull.Value);
            insert.Parameters.AddWithValue("$error_type", (object?)row.ErrorType ?? DBNull.Value);
            insert.Parameters.AddWithValue("$error_message", (object?)row.ErrorMessage ?? DBNull.Value);
            insert.Parameters.AddWithValue("$prompt", (object?)row.PromptTokens ?? DBNull.Value);
            insert.Parameters.AddWithValue("$completion", (object?)row.CompletionTokens ?? DBNull.Value);
            insert.Parameters.AddWithValue("$total", (object?)row.TotalTokens ?? DBNull.Value);
            insert.Parameters.AddWithValue("$cost", (object?)row.CostUsd ?? DBNull.Value);
            insert.Parameters.AddWithValue("$cost_source", (object?)row.CostSource ?? DBNull.Value);
            insert.Parameters.AddWithValue("$latency", (object?)row.LatencyMs ?? DBNull.Value);
            insert.Parameters.AddWithValue("$ttfb", row.LatencyMs is null ? DBNull.Value : row.LatencyMs.Value / 2);
            insert.Parameters.AddWithValue("$request_body", (object?)row.RequestBody ?? DBNull.Value);
            insert.Parameters.AddWithValue("$response_body", (object?)row.ResponseBody ?? DBNull.Value);
            insert.Parameters.AddWithValue("$media", (object?)row.MediaJson ?? DBNull.Value);
            row.Seq = (long)insert.ExecuteScalar()!;

            using var fts = connection.CreateCommand();
            fts.Transaction = transaction;
            fts.CommandText = "INSERT INTO requests_fts (rowid, request_id, request_text, response_text) VALUES ($seq, $id, $req, $res)";
            fts.Parameters.AddWithValue("$seq", row.Seq);
            fts.Parameters.AddWithValue("$id", row.RequestId);
            fts.Parameters.AddWithValue("$req", row.RequestText);
            fts.Parameters.AddWithValue("$res", (object?)row.ResponseText ?? DBNull.Value);
            fts.ExecuteNonQuery();
            Rows.Add(row);
        }
        transaction.Commit();
    }

    /// <summary>
    /// A deterministic mix: several models, endpoints, keys and statuses, NULLs in every sortable
    /// column, and many ties (same time, same cost) so that ordering by seq is exercised.
    /// </summary>
    public static IEnumerable<TestRow> Mixed(int count, int seed = 7, long start = 1_750_000_000_000, int spreadMinutes = 60)
    {
        var random = new Random(seed);
        string?[] models = ["openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet", "google/gemini-2.0-flash-001", null];
        string[] endpoints = ["/v1/chat/completions", "/v1/completions"];
        string?[] keys = ["key-1", "key-2", null];
        (string Outcome, int? Status)[] outcomes = [("completed", 200), ("completed", 200), ("completed", 200), ("failed", 429), ("failed", 502), ("failed", 400), ("cancelled", 499), ("received", null)];
        string[] words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
        for (var i = 0; i < count; i++)
        {
            var (outcome, status) = outcomes[random.Next(outcomes.Length)];
            var finished = outcome != "received";
            var tokens = finished && random.Next(5) > 0 ? (long?)random.Next(0, 40) * 10 : null;
            var text = string.Join(' ', Enumerable.Range(0, 3).Select(_ => words[random.Next(words.Length)]));
            yield return new TestRow
            {
                ReceivedAt = start + random.Next(0, spreadMinutes) * 60_000L,
                Endpoint = endpoints[random.Next(endpoints.Length)],
                KeyLabel = keys[random.Next(keys.Length)],
                ModelRequested = models[random.Next(models.Length)],
                Outcome = outcome,
                Status = status,
                ErrorType = status >= 400 ? "upstream_error" : null,
                TotalTokens = tokens,
                PromptTokens = tokens,
                CompletionTokens = tokens is null ? null : 0,
                CostUsd = finished && random.Next(4) > 0 ? random.Next(0, 20) / (outcome == "completed" ? 1000.0 : 100_000.0) : null,
                LatencyMs = finished ? random.Next(0, 30) * 100.0 : null,
                RequestText = text,
                ResponseText = finished ? "answer " + words[random.Next(words.Length)] : null,
            };
        }
    }

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A connection still closing; the OS cleans the temp dir.
        }
    }
}
