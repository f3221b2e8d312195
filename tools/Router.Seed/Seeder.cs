using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using OaiRouter.Tracking.Queries;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Seed;

/// <summary>
/// Writes synthetic rows straight into the read table the projection keeps (same schema, same
/// full-text rows), in large transactions with prepared statements.
/// </summary>
internal static class Seeder
{
    private const int BatchSize = 20_000;

    public static async Task<TimeSpan> SeedAsync(string path, long rows, int seed, TimeSpan span, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
        await Execute(connection, RequestsSchema.CreateSql);

        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO requests (seq, request_id, generation_id, received_at, finished_at, endpoint, key_label,
                model_requested, model_routed, model_answered, routing_reason, stream, outcome, status, error_type,
                error_message, prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens,
                cost_usd, cost_source, latency_ms, upstream_ttfb_ms, overhead_ms, media_ms, bytes_in, bytes_out,
                finish_reason, attempts, request_body, response_body, media_json)
            VALUES ($seq, $request_id, $generation_id, $received_at, $finished_at, $endpoint, $key_label,
                $model, $model, $model_answered, $routing_reason, $stream, $outcome, $status, $error_type,
                $error_message, $prompt_tokens, $completion_tokens, $total_tokens, $cached_tokens, $reasoning_tokens,
                $cost_usd, $cost_source, $latency_ms, $upstream_ttfb_ms, $overhead_ms, $media_ms, $bytes_in, $bytes_out,
                $finish_reason, $attempts, $request_body, $response_body, $media_json)
            """;
        var names = new[]
        {
            "seq", "request_id", "generation_id", "received_at", "finished_at", "endpoint", "key_label", "model", "model_answered",
            "routing_reason", "stream", "outcome", "status", "error_type", "error_message", "prompt_tokens", "completion_tokens",
            "total_tokens", "cached_tokens", "reasoning_tokens", "cost_usd", "cost_source", "latency_ms", "upstream_ttfb_ms",
            "overhead_ms", "media_ms", "bytes_in", "bytes_out", "finish_reason", "attempts", "request_body", "response_body",
            "media_json",
        };
        var p = names.ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter("$" + n, null)));
        await using var fts = connection.CreateCommand();
        fts.CommandText = "INSERT INTO requests_fts (rowid, request_id, request_text, response_text) VALUES ($seq, $id, $req, $res)";
        var fSeq = fts.Parameters.Add(new SqliteParameter("$seq", null));
        var fId = fts.Parameters.Add(new SqliteParameter("$id", null));
        var fReq = fts.Parameters.Add(new SqliteParameter("$req", null));
        var fRes = fts.Parameters.Add(new SqliteParameter("$res", null));

        long lastSeq;
        await using (var max = connection.CreateCommand())
        {
            max.CommandText = "SELECT COALESCE(max(seq), 0) FROM requests";
            lastSeq = (long)(await max.ExecuteScalarAsync())!;
        }
        // Rows are made on another thread while this one writes: JSON and text cost about as
        // much as the inserts.
        var generator = new SyntheticRequests(seed, DateTimeOffset.UtcNow, span, rows);
        var channel = Channel.CreateBounded<SeedRow>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            for (long i = 0; i < rows; i++)
            {
                await channel.Writer.WriteAsync(generator.Next(i));
            }
            channel.Writer.Complete();
        });
        var rowsIn = channel.Reader;
        for (long done = 0; done < rows;)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            insert.Transaction = transaction;
            fts.Transaction = transaction;
            var end = Math.Min(rows, done + BatchSize);
            for (; done < end; done++)
            {
                var row = await rowsIn.ReadAsync();
                Set(p["request_id"], row.RequestId);
                Set(p["generation_id"], row.GenerationId);
                Set(p["received_at"], row.ReceivedAt);
                Set(p["finished_at"], row.FinishedAt);
                Set(p["endpoint"], row.Endpoint);
                Set(p["key_label"], row.KeyLabel);
                Set(p["model"], row.ModelRequested);
                Set(p["model_answered"], row.ModelAnswered);
                Set(p["routing_reason"], row.ModelRequested is null ? null : "requested");
                Set(p["stream"], row.Stream ? 1 : 0);
                Set(p["outcome"], row.Outcome);
                Set(p["status"], row.Status);
                Set(p["error_type"], row.ErrorType);
                Set(p["error_message"], row.ErrorMessage);
                Set(p["prompt_tokens"], row.PromptTokens);
                Set(p["completion_tokens"], row.CompletionTokens);
                Set(p["total_tokens"], row.PromptTokens + row.CompletionTokens);
                Set(p["cached_tokens"], row.CachedTokens);
                Set(p["reasoning_tokens"], row.ReasoningTokens);
                Set(p["cost_usd"], row.CostUsd);
                Set(p["cost_source"], row.CostSource);
                Set(p["latency_ms"], row.LatencyMs);
                Set(p["upstream_ttfb_ms"], row.UpstreamTtfbMs);
                Set(p["overhead_ms"], row.OverheadMs);
                Set(p["media_ms"], row.MediaMs);
                Set(p["bytes_in"], row.BytesIn);
                Set(p["bytes_out"], row.BytesOut);
                Set(p["finish_reason"], row.FinishReason);
                Set(p["attempts"], row.Attempts);
                Set(p["request_body"], row.RequestBody);
                Set(p["response_body"], row.ResponseBody);
                Set(p["media_json"], row.MediaJson);
                var seq = ++lastSeq;
                Set(p["seq"], seq);
                await insert.ExecuteNonQueryAsync();

                fSeq.Value = seq;
                fId.Value = row.RequestId;
                fReq.Value = row.RequestText;
                Set(fRes, row.ResponseText);
                await fts.ExecuteNonQueryAsync();
            }
            await transaction.CommitAsync();
            if (done % 100_000 == 0 || done == rows)
            {
                log.WriteLine($"  {done:N0} rows ({clock.Elapsed.TotalSeconds:F1} s)");
            }
        }

                await producer;
        log.WriteLine("  creating tracking indexes and statistics…");
        await TrackingIndexes.EnsureAsync(connection);
        await Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return clock.Elapsed;
    }

    private static void Set(SqliteParameter parameter, object? value) => parameter.Value = value ?? DBNull.Value;

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
