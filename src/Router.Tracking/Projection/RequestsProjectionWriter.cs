using Microsoft.Data.Sqlite;
using OaiRouter.Actors.Ledger;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Tracking.Projection;

/// <summary>One journal event with its position in the journal (its ordering).</summary>
internal readonly record struct ProjectedEvent(long Offset, object Event);

/// <summary>
/// Applies a batch of ledger events to <c>requests</c> and <c>requests_fts</c> and stores the
/// batch's last offset in <c>projection_offsets</c>, all in one transaction: the table and the
/// offset never disagree, so a restart resumes exactly where the last commit stopped.
/// Every write is an upsert keyed by request id, so an event seen twice (a retried journal
/// write) or out of order (a finish before its start) still leaves the right row.
/// </summary>
internal sealed class RequestsProjectionWriter(string connectionString)
{
    /// <summary>The stored offset (the journal's ordering of the last applied event); 0 when none yet.</summary>
    public long ReadOffset()
    {
        using var connection = LedgerDatabase.Open(connectionString);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT offset_value FROM projection_offsets WHERE projection = $name;";
        command.Parameters.AddWithValue("$name", RequestsSchema.RequestsProjection);
        return command.ExecuteScalar() is long offset ? offset : 0;
    }

    /// <summary>Creates the read tables when missing (start-up has usually done it already).</summary>
    public void EnsureSchema()
    {
        using var connection = LedgerDatabase.Open(connectionString);
        LedgerDatabase.ApplySchema(connection);
    }

    /// <summary>Writes the batch; returns how many ledger events it held.</summary>
    public int Apply(IReadOnlyList<ProjectedEvent> batch)
    {
        if (batch.Count == 0)
        {
            return 0;
        }
        using var connection = LedgerDatabase.Open(connectionString);
        using var transaction = connection.BeginTransaction();
        using var commands = new Commands(connection, transaction);
        var applied = 0;
        var maxOffset = 0L;
        var finishedAt = FirstFinishedById(batch);
        HashSet<int>? written = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var item = batch[i];
            maxOffset = Math.Max(maxOffset, item.Offset);
            switch (item.Event)
            {
                case RequestReceived received:
                    // Under load a request's start and end usually share a batch: one insert of the
                    // whole row touches each of the table's many indexes and the FTS index once,
                    // where an insert and then an update would touch most of them three times.
                    if (finishedAt.TryGetValue(received.RequestId, out var j) && j > i
                        && ApplyReceivedAndFinished(commands, received, (RequestFinished)batch[j].Event))
                    {
                        (written ??= []).Add(j);
                    }
                    else
                    {
                        ApplyReceived(commands, received);
                    }
                    applied++;
                    break;
                case RequestFinished when written?.Contains(i) == true:
                    applied++;
                    break;
                case RequestFinished finished:
                    ApplyFinished(commands, finished);
                    applied++;
                    break;
                case CostReconciled reconciled:
                    ApplyReconciled(commands, reconciled);
                    applied++;
                    break;
            }
        }
        commands.Offset.Parameters["$offset"].Value = maxOffset;
        commands.Offset.ExecuteNonQuery();
        transaction.Commit();
        return applied;
    }

    /// <summary>The index of each request's first finish event in the batch.</summary>
    private static Dictionary<string, int> FirstFinishedById(IReadOnlyList<ProjectedEvent> batch)
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Event is RequestFinished finished)
            {
                found.TryAdd(finished.RequestId, i);
            }
        }
        return found;
    }

    private static void ApplyReceived(Commands c, RequestReceived e)
    {
        SetReceived(c.Received.Parameters, e, "$at", "$body");
        var seq = (long)c.Received.ExecuteScalar()!;
        SetSearchText(c, seq, e.RequestId, "request_text", SearchText.FromBody(e.RequestBody));
    }

    /// <summary>
    /// Writes a request's start and end as one new row; false (nothing written) when a row for
    /// it exists already (a replayed event), which the upserts of the two-step path then handle.
    /// </summary>
    private static bool ApplyReceivedAndFinished(Commands c, RequestReceived received, RequestFinished finished)
    {
        var p = c.Complete.Parameters;
        SetReceived(p, received, "$received_at", "$request_body");
        SetFinished(p, finished);
        if (c.Complete.ExecuteScalar() is not long seq)
        {
            return false;
        }
        // A new row: seq is AUTOINCREMENT (never reused) and retention deletes a request's search
        // row with it, so no search row can exist yet.
        var fts = c.FtsInsertBoth.Parameters;
        fts["$seq"].Value = seq;
        fts["$id"].Value = received.RequestId;
        fts["$request_text"].Value = SearchText.FromBody(received.RequestBody);
        fts["$response_text"].Value = SearchText.FromBody(finished.ResponseBody);
        c.FtsInsertBoth.ExecuteNonQuery();
        return true;
    }

    private static void SetReceived(SqliteParameterCollection p, RequestReceived e, string atName, string bodyName)
    {
        p["$id"].Value = e.RequestId;
        p[atName].Value = e.At.ToUnixTimeMilliseconds();
        p["$endpoint"].Value = e.Endpoint;
        p["$key"].Value = Db(e.KeyLabel);
        p["$requested"].Value = Db(e.ModelRequested);
        p["$routed"].Value = Db(e.ModelRouted);
        p["$reason"].Value = Db(e.RoutingReason);
        p["$stream"].Value = e.Stream ? 1 : 0;
        p["$bytes"].Value = e.BytesIn;
        p[bodyName].Value = e.RequestBody;
    }

    private static void ApplyFinished(Commands c, RequestFinished e)
    {
        SetFinished(c.Finished.Parameters, e);
        var seq = (long)c.Finished.ExecuteScalar()!;
        SetSearchText(c, seq, e.RequestId, "response_text", SearchText.FromBody(e.ResponseBody));
    }

    private static void SetFinished(SqliteParameterCollection p, RequestFinished e)
    {
        p["$id"].Value = e.RequestId;
        // Only used when the finish arrives before its start; the start's upsert corrects it.
        p["$received"].Value = e.At.AddMilliseconds(-e.LatencyMs).ToUnixTimeMilliseconds();
        p["$at"].Value = e.At.ToUnixTimeMilliseconds();
        p["$outcome"].Value = e.Outcome;
        p["$status"].Value = e.Status;
        p["$error_type"].Value = Db(e.ErrorType);
        p["$error_message"].Value = Db(e.ErrorMessage);
        p["$generation"].Value = Db(e.GenerationId);
        p["$answered"].Value = Db(e.ModelAnswered);
        p["$finish"].Value = Db(e.FinishReason);
        p["$prompt"].Value = Db(e.PromptTokens);
        p["$completion"].Value = Db(e.CompletionTokens);
        p["$total"].Value = Db(e.TotalTokens ?? (e.PromptTokens + e.CompletionTokens));
        p["$cached"].Value = Db(e.CachedTokens);
        p["$reasoning"].Value = Db(e.ReasoningTokens);
        p["$cost"].Value = Db(e.CostUsd);
        p["$cost_source"].Value = e.CostUsd is null ? DBNull.Value : e.CostSource ?? CostSources.Response;
        p["$latency"].Value = e.LatencyMs;
        p["$ttfb"].Value = Db(e.UpstreamTtfbMs);
        p["$overhead"].Value = e.OverheadMs;
        p["$media"].Value = e.MediaMs;
        p["$bytes_out"].Value = e.BytesOut;
        p["$attempts"].Value = e.Attempts;
        p["$body"].Value = Db(e.ResponseBody);
        p["$media_json"].Value = Db(e.MediaJson);
    }

    private static void ApplyReconciled(Commands c, CostReconciled e)
    {
        var p = c.Reconciled.Parameters;
        p["$id"].Value = e.RequestId;
        p["$at"].Value = e.At.ToUnixTimeMilliseconds();
        p["$generation"].Value = e.GenerationId;
        p["$cost"].Value = e.CostUsd;
        p["$cost_source"].Value = e.CostSource;
        p["$prompt"].Value = Db(e.PromptTokens);
        p["$completion"].Value = Db(e.CompletionTokens);
        p["$total"].Value = Db(e.PromptTokens + e.CompletionTokens);
        p["$cached"].Value = Db(e.CachedTokens);
        p["$reasoning"].Value = Db(e.ReasoningTokens);
        c.Reconciled.ExecuteNonQuery();
    }

    /// <summary>Sets one text column of the request's FTS row (<c>rowid</c> = <c>requests.seq</c>), creating the row when missing.</summary>
    private static void SetSearchText(Commands c, long seq, string requestId, string column, string text)
    {
        c.FtsExists.Parameters["$seq"].Value = seq;
        var exists = c.FtsExists.ExecuteScalar() is not null;
        var command = (exists, column) switch
        {
            (true, "request_text") => c.FtsUpdateRequest,
            (true, _) => c.FtsUpdateResponse,
            (false, "request_text") => c.FtsInsertRequest,
            (false, _) => c.FtsInsertResponse,
        };
        command.Parameters["$seq"].Value = seq;
        command.Parameters["$id"].Value = requestId;
        command.Parameters["$text"].Value = text;
        command.ExecuteNonQuery();
    }

    private static object Db(string? value) => value is null ? DBNull.Value : value;

    private static object Db(long? value) => value is null ? DBNull.Value : value.Value;

    private static object Db(double? value) => value is null ? DBNull.Value : value.Value;

    /// <summary>The batch's statements, prepared once per transaction and reused for every event.</summary>
    private sealed class Commands : IDisposable
    {
        private readonly List<SqliteCommand> _all = [];

        public Commands(SqliteConnection connection, SqliteTransaction transaction)
        {
            SqliteCommand Create(string sql, params string[] parameters)
            {
                var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                foreach (var name in parameters)
                {
                    command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
                }
                _all.Add(command);
                return command;
            }

            Received = Create("""
                INSERT INTO requests (request_id, received_at, endpoint, key_label, model_requested, model_routed,
                                      routing_reason, stream, bytes_in, request_body)
                VALUES ($id, $at, $endpoint, $key, $requested, $routed, $reason, $stream, $bytes, $body)
                ON CONFLICT (request_id) DO UPDATE SET
                    received_at = excluded.received_at, endpoint = excluded.endpoint, key_label = excluded.key_label,
                    model_requested = excluded.model_requested, model_routed = excluded.model_routed,
                    routing_reason = excluded.routing_reason, stream = excluded.stream, bytes_in = excluded.bytes_in,
                    request_body = excluded.request_body
                RETURNING seq;
                """, "$id", "$at", "$endpoint", "$key", "$requested", "$routed", "$reason", "$stream", "$bytes", "$body");

            Finished = Create("""
                INSERT INTO requests (request_id, received_at, endpoint, finished_at, outcome, status, error_type, error_message,
                                      generation_id, model_answered, finish_reason, prompt_tokens, completion_tokens,
                                      total_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, latency_ms,
                                      upstream_ttfb_ms, overhead_ms, media_ms, bytes_out, attempts, response_body, media_json)
                VALUES ($id, $received, '', $at, $outcome, $status, $error_type, $error_message,
                        $generation, $answered, $finish, $prompt, $completion,
                        $total, $cached, $reasoning, $cost, $cost_source, $latency,
                        $ttfb, $overhead, $media, $bytes_out, $attempts, $body, $media_json)
                ON CONFLICT (request_id) DO UPDATE SET
                    finished_at = excluded.finished_at, outcome = excluded.outcome, status = excluded.status,
                    error_type = excluded.error_type, error_message = excluded.error_message,
                    generation_id = coalesce(excluded.generation_id, requests.generation_id),
                    model_answered = coalesce(excluded.model_answered, requests.model_answered),
                    finish_reason = excluded.finish_reason,
                    prompt_tokens = coalesce(excluded.prompt_tokens, requests.prompt_tokens),
                    completion_tokens = coalesce(excluded.completion_tokens, requests.completion_tokens),
                    total_tokens = coalesce(excluded.total_tokens, requests.total_tokens),
                    cached_tokens = coalesce(excluded.cached_tokens, requests.cached_tokens),
                    reasoning_tokens = coalesce(excluded.reasoning_tokens, requests.reasoning_tokens),
                    cost_source = CASE WHEN excluded.cost_usd IS NULL THEN requests.cost_source ELSE excluded.cost_source END,
                    cost_usd = coalesce(excluded.cost_usd, requests.cost_usd),
                    latency_ms = excluded.latency_ms, upstream_ttfb_ms = excluded.upstream_ttfb_ms,
                    overhead_ms = excluded.overhead_ms, media_ms = excluded.media_ms, bytes_out = excluded.bytes_out,
                    attempts = excluded.attempts, response_body = excluded.response_body,
                    media_json = coalesce(excluded.media_json, requests.media_json)
                RETURNING seq;
                """, "$id", "$received", "$at", "$outcome", "$status", "$error_type", "$error_message", "$generation",
                "$answered", "$finish", "$prompt", "$completion", "$total", "$cached", "$reasoning", "$cost",
                "$cost_source", "$latency", "$ttfb", "$overhead", "$media", "$bytes_out", "$attempts", "$body", "$media_json");

            Complete = Create("""
                INSERT INTO requests (request_id, received_at, endpoint, key_label, model_requested, model_routed,
                                      routing_reason, stream, bytes_in, request_body,
                                      finished_at, outcome, status, error_type, error_message,
                                      generation_id, model_answered, finish_reason, prompt_tokens, completion_tokens,
                                      total_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, latency_ms,
                                      upstream_ttfb_ms, overhead_ms, media_ms, bytes_out, attempts, response_body, media_json)
                VALUES ($id, $received_at, $endpoint, $key, $requested, $routed, $reason, $stream, $bytes, $request_body,
                        $at, $outcome, $status, $error_type, $error_message,
                        $generation, $answered, $finish, $prompt, $completion,
                        $total, $cached, $reasoning, $cost, $cost_source, $latency,
                        $ttfb, $overhead, $media, $bytes_out, $attempts, $body, $media_json)
                ON CONFLICT (request_id) DO NOTHING
                RETURNING seq;
                """, "$id", "$received_at", "$endpoint", "$key", "$requested", "$routed", "$reason", "$stream", "$bytes",
                "$request_body", "$received", "$at", "$outcome", "$status", "$error_type", "$error_message", "$generation",
                "$answered", "$finish", "$prompt", "$completion", "$total", "$cached", "$reasoning", "$cost",
                "$cost_source", "$latency", "$ttfb", "$overhead", "$media", "$bytes_out", "$attempts", "$body", "$media_json");

            // A looked-up cost is OpenRouter's final word, so it replaces any cost; tokens only fill gaps.
            Reconciled = Create("""
                INSERT INTO requests (request_id, received_at, endpoint, generation_id, cost_usd, cost_source,
                                      prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens)
                VALUES ($id, $at, '', $generation, $cost, $cost_source, $prompt, $completion, $total, $cached, $reasoning)
                ON CONFLICT (request_id) DO UPDATE SET
                    cost_usd = excluded.cost_usd, cost_source = excluded.cost_source,
                    generation_id = coalesce(requests.generation_id, excluded.generation_id),
                    prompt_tokens = coalesce(requests.prompt_tokens, excluded.prompt_tokens),
                    completion_tokens = coalesce(requests.completion_tokens, excluded.completion_tokens),
                    total_tokens = coalesce(requests.total_tokens,
                        coalesce(requests.prompt_tokens, excluded.prompt_tokens)
                        + coalesce(requests.completion_tokens, excluded.completion_tokens)),
                    cached_tokens = coalesce(requests.cached_tokens, excluded.cached_tokens),
                    reasoning_tokens = coalesce(requests.reasoning_tokens, excluded.reasoning_tokens);
                """, "$id", "$at", "$generation", "$cost", "$cost_source", "$prompt", "$completion", "$total", "$cached", "$reasoning");

            FtsExists = Create("SELECT 1 FROM requests_fts WHERE rowid = $seq;", "$seq");
            FtsUpdateRequest = Create(
                "UPDATE requests_fts SET request_id = $id, request_text = $text WHERE rowid = $seq;", "$seq", "$id", "$text");
            FtsUpdateResponse = Create(
                "UPDATE requests_fts SET request_id = $id, response_text = $text WHERE rowid = $seq;", "$seq", "$id", "$text");
            FtsInsertRequest = Create(
                "INSERT INTO requests_fts (rowid, request_id, request_text, response_text) VALUES ($seq, $id, $text, '');",
                "$seq", "$id", "$text");
            FtsInsertBoth = Create("""
                INSERT INTO requests_fts (rowid, request_id, request_text, response_text)
                VALUES ($seq, $id, $request_text, $response_text);
                """, "$seq", "$id", "$request_text", "$response_text");
            FtsInsertResponse = Create(
                "INSERT INTO requests_fts (rowid, request_id, request_text, response_text) VALUES ($seq, $id, '', $text);",
                "$seq", "$id", "$text");

            Offset = Create("""
                INSERT INTO projection_offsets (projection, offset_value) VALUES ($name, $offset)
                ON CONFLICT (projection) DO UPDATE SET offset_value = max(offset_value, excluded.offset_value);
                """, "$name", "$offset");
            Offset.Parameters["$name"].Value = RequestsSchema.RequestsProjection;
        }

        public SqliteCommand Received { get; }
        public SqliteCommand Finished { get; }
        public SqliteCommand Complete { get; }
        public SqliteCommand Reconciled { get; }
        public SqliteCommand FtsExists { get; }
        public SqliteCommand FtsUpdateRequest { get; }
        public SqliteCommand FtsUpdateResponse { get; }
        public SqliteCommand FtsInsertRequest { get; }
        public SqliteCommand FtsInsertResponse { get; }
        public SqliteCommand FtsInsertBoth { get; }
        public SqliteCommand Offset { get; }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }
        }
    }
}
