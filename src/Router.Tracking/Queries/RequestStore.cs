using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace OaiRouter.Tracking.Queries;

/// <summary>
/// Reads the <c>requests</c> table for the tracking UI: keyset-paged lists, one request's
/// detail, and the summary's figures. Every value reaches SQL as a parameter; only whitelisted
/// sort expressions and index names are spliced into the text.
/// </summary>
public sealed partial class RequestStore
{
    private const string ErrorCondition = TrackingIndexes.ErrorCondition;

    private readonly string _connectionString;
    private readonly Lock _gate = new();
    private Task? _ensured;

    /// <summary>Reads the SQLite database of <paramref name="connectionString"/>.</summary>
    public RequestStore(string connectionString)
        : this(connectionString, DefaultSmallSetLimit, LargeSearchLimit, TimeRangeRankLimit)
    {
    }

    /// <summary>With other thresholds, so tests can drive every plan over a few rows.</summary>
    internal RequestStore(string connectionString, int smallSetLimit, int largeSearchLimit, int timeRangeRankLimit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentOutOfRangeException.ThrowIfLessThan(smallSetLimit, 1);
        _connectionString = connectionString;
        SmallSetLimit = smallSetLimit;
        _largeSearchLimit = largeSearchLimit;
        _timeRangeRankLimit = timeRangeRankLimit;
    }

    private readonly int _largeSearchLimit;
    private readonly int _timeRangeRankLimit;
    private double? _rowEstimate;
    private long _rowEstimateAt;

    /// <summary>Everything recorded about one request, or null when the id is unknown.</summary>
    public async Task<RequestDetail?> GetAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT seq, request_id, generation_id, received_at, finished_at, endpoint, key_label,
                   model_requested, model_routed, model_answered, routing_reason, stream, outcome, status,
                   error_type, error_message, prompt_tokens, completion_tokens, total_tokens, cached_tokens,
                   reasoning_tokens, cost_usd, cost_source, latency_ms, upstream_ttfb_ms, overhead_ms, media_ms,
                   bytes_in, bytes_out, finish_reason, attempts, request_body, response_body, media_json
            FROM requests WHERE request_id = @id
            """;
        command.Parameters.AddWithValue("@id", requestId);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new RequestDetail
        {
            Seq = r.GetInt64(0),
            RequestId = r.GetString(1),
            GenerationId = NullableString(r, 2),
            ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
            FinishedAt = r.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
            Endpoint = r.GetString(5),
            KeyLabel = NullableString(r, 6),
            ModelRequested = NullableString(r, 7),
            ModelRouted = NullableString(r, 8),
            ModelAnswered = NullableString(r, 9),
            RoutingReason = NullableString(r, 10),
            Stream = r.GetInt64(11) != 0,
            Outcome = r.GetString(12),
            Status = r.IsDBNull(13) ? null : r.GetInt32(13),
            ErrorType = NullableString(r, 14),
            ErrorMessage = NullableString(r, 15),
            PromptTokens = NullableInt64(r, 16),
            CompletionTokens = NullableInt64(r, 17),
            TotalTokens = NullableInt64(r, 18),
            CachedTokens = NullableInt64(r, 19),
            ReasoningTokens = NullableInt64(r, 20),
            CostUsd = NullableDouble(r, 21),
            CostSource = NullableString(r, 22),
            LatencyMs = NullableDouble(r, 23),
            UpstreamTtfbMs = NullableDouble(r, 24),
            OverheadMs = NullableDouble(r, 25),
            MediaMs = NullableDouble(r, 26),
            BytesIn = NullableInt64(r, 27),
            BytesOut = NullableInt64(r, 28),
            FinishReason = NullableString(r, 29),
            Attempts = NullableInt64(r, 30),
            RequestBody = NullableString(r, 31),
            ResponseBody = NullableString(r, 32),
            MediaJson = NullableString(r, 33),
        };
    }

    /// <summary>
    /// Figures for the summary's charts over [<paramref name="from"/>, <paramref name="to"/>):
    /// requests, errors and cost per hour (per day when the range is longer than three days) and
    /// per day, per model, and latency percentiles. One pass over the covering time index, in its
    /// order, added up here (a GROUP BY would sort every row first); the percentiles come from a
    /// log-scale histogram with 2 % wide buckets.
    /// </summary>
    public async Task<TrafficSummary> SummaryAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (to < from)
        {
            (from, to) = (to, from);
        }
        await using var connection = await OpenAsync(cancellationToken);

        const long hourMs = 3_600_000;
        const long dayMs = 24 * hourMs;
        var hours = new SortedDictionary<long, (long Requests, long Errors, double Cost)>();
        var models = new Dictionary<string, ModelTally>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT r.received_at, COALESCE(r.model_requested, ''), CASE WHEN {ErrorCondition} THEN 1 ELSE 0 END, r.cost_usd, r.latency_ms
                FROM requests r INDEXED BY {TrackingIndexes.TimeIndex}
                WHERE r.received_at >= @from AND r.received_at < @to
                """;
            command.Parameters.AddWithValue("@from", from.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@to", to.ToUnixTimeMilliseconds());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var hour = long.MinValue;
            (long Requests, long Errors, double Cost) current = default;
            ModelTally? last = null;
            string? lastModel = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                // Rows arrive in time order, so an hour is finished when the next one starts.
                var rowHour = Floor(reader.GetInt64(0), hourMs) / hourMs;
                if (rowHour != hour)
                {
                    if (hour != long.MinValue)
                    {
                        hours[hour] = current;
                    }
                    hour = rowHour;
                    current = hours.GetValueOrDefault(hour);
                }
                var model = reader.GetString(1);
                if (last is null || !string.Equals(model, lastModel, StringComparison.Ordinal))
                {
                    if (!models.TryGetValue(model, out last))
                    {
                        last = new ModelTally();
                        models[model] = last;
                    }
                    lastModel = model;
                }
                var error = reader.GetInt64(2) != 0 ? 1 : 0;
                var cost = reader.IsDBNull(3) ? 0 : reader.GetDouble(3);
                current = (current.Requests + 1, current.Errors + error, current.Cost + cost);
                last.Requests++;
                last.Errors += error;
                last.Cost += cost;
                if (!reader.IsDBNull(4))
                {
                    last.Add(reader.GetDouble(4));
                }
            }
            if (hour != long.MinValue)
            {
                hours[hour] = current;
            }
        }

        var bucketMs = to - from <= TimeSpan.FromDays(3) ? hourMs : dayMs;
        var timeline = Buckets(hours, from, to, bucketMs);
        var days = Buckets(hours, from, to, dayMs);
        var overall = new ModelTally();
        foreach (var (_, figures) in models)
        {
            overall.AddHistogram(figures);
        }
        var modelFigures = models
            .Select(m => new ModelFigures(m.Key, m.Value.Requests, m.Value.Errors, m.Value.Cost, Percentiles(m.Value.Histogram)))
            .OrderByDescending(m => m.CostUsd).ThenByDescending(m => m.Requests).ThenBy(m => m.Model, StringComparer.Ordinal)
            .ToList();
        return new TrafficSummary(
            from, to, TimeSpan.FromMilliseconds(bucketMs),
            hours.Values.Sum(h => h.Requests), hours.Values.Sum(h => h.Errors), hours.Values.Sum(h => h.Cost),
            timeline, days, modelFigures, Percentiles(overall.Histogram));
    }

    private const int HistogramScale = 50;

    /// <summary>Counts per latency bucket: ln(ms + 1) × 50, so up to a day in 1 100 buckets.</summary>
    private const int HistogramBuckets = 1_100;

    private sealed class ModelTally
    {
        public long Requests;
        public long Errors;
        public double Cost;
        public long[] Histogram { get; } = new long[HistogramBuckets];

        public void Add(double latencyMs) =>
            Histogram[Math.Clamp((int)(Math.Log(Math.Max(latencyMs, 0) + 1) * HistogramScale), 0, HistogramBuckets - 1)]++;

        public void AddHistogram(ModelTally other)
        {
            for (var i = 0; i < HistogramBuckets; i++)
            {
                Histogram[i] += other.Histogram[i];
            }
        }
    }

    /// <summary>Every bucket of the range, empty ones included, so charts keep a true time axis.</summary>
    private static List<TimeBucket> Buckets(
        SortedDictionary<long, (long Requests, long Errors, double Cost)> hours, DateTimeOffset from, DateTimeOffset to, long bucketMs)
    {
        const long hourMs = 3_600_000;
        var first = Floor(from.ToUnixTimeMilliseconds(), bucketMs);
        var last = Floor(Math.Max(to.ToUnixTimeMilliseconds() - 1, from.ToUnixTimeMilliseconds()), bucketMs);
        var count = (int)Math.Min((last - first) / bucketMs + 1, 5000);
        var buckets = new (long Requests, long Errors, double Cost)[count];
        foreach (var (hour, figures) in hours)
        {
            var index = (Floor(hour * hourMs, bucketMs) - first) / bucketMs;
            if (index >= 0 && index < count)
            {
                var b = buckets[index];
                buckets[index] = (b.Requests + figures.Requests, b.Errors + figures.Errors, b.Cost + figures.Cost);
            }
        }
        return [.. buckets.Select((b, i) => new TimeBucket(
            DateTimeOffset.FromUnixTimeMilliseconds(first + i * bucketMs), b.Requests, b.Errors, b.Cost))];
    }

    private static long Floor(long value, long step) => value - (((value % step) + step) % step);

    private static LatencyPercentiles Percentiles(long[] histogram)
    {
        var total = histogram.Sum();
        if (total == 0)
        {
            return new LatencyPercentiles(0, null, null, null);
        }
        double? At(double p)
        {
            // Nearest rank: the smallest value with at least p of all values at or below it.
            var rank = (long)Math.Ceiling(p * total);
            long seen = 0;
            for (var bucket = 0; bucket < histogram.Length; bucket++)
            {
                seen += histogram[bucket];
                if (seen >= rank)
                {
                    // The bucket's middle on the log scale: within 1 % of any value in it.
                    return Math.Exp((bucket + 0.5) / HistogramScale) - 1;
                }
            }
            return null;
        }
        return new LatencyPercentiles(total, At(0.50), At(0.95), At(0.99));
    }

    /// <summary>
    /// The distinct models, endpoints, key labels and statuses, found by hopping through their
    /// indexes one value at a time (a loose index scan), so it costs per value, not per row.
    /// </summary>
    public async Task<FilterChoices> ChoicesAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var models = await DistinctAsync(connection, "model_requested", "ix_requests_model", limit, cancellationToken);
        var endpoints = await DistinctAsync(connection, "endpoint", "ix_requests_endpoint", limit, cancellationToken);
        var keys = await DistinctAsync(connection, "key_label", "ix_requests_key", limit, cancellationToken);
        var statuses = await DistinctAsync(connection, "status", "ix_requests_status", limit, cancellationToken);
        return new FilterChoices(
            [.. models.Select(v => (string)v)],
            [.. endpoints.Select(v => (string)v)],
            [.. keys.Select(v => (string)v)],
            [.. statuses.Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture))]);
    }

    private static async Task<List<object>> DistinctAsync(
        SqliteConnection connection, string column, string index, int limit, CancellationToken cancellationToken)
    {
        var values = new List<object>();
        await using var first = connection.CreateCommand();
        first.CommandText = $"SELECT min({column}) FROM requests INDEXED BY {index} WHERE {column} IS NOT NULL";
        var value = await first.ExecuteScalarAsync(cancellationToken);
        await using var next = connection.CreateCommand();
        next.CommandText = $"SELECT min({column}) FROM requests INDEXED BY {index} WHERE {column} > @previous";
        var previous = next.Parameters.Add("@previous", SqliteType.Text);
        while (value is not null and not DBNull && values.Count < limit)
        {
            values.Add(value);
            previous.SqliteType = value is string ? SqliteType.Text : SqliteType.Integer;
            previous.Value = value;
            value = await next.ExecuteScalarAsync(cancellationToken);
        }
        return values;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            Task ensured;
            lock (_gate)
            {
                ensured = _ensured ??= EnsureAsync();
            }
            await ensured.WaitAsync(cancellationToken);
            // Reads jump around a large file (a page of rows is a handful of random rows): map it
            // rather than copy every page through read().
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task EnsureAsync()
    {
        try
        {
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            await TrackingIndexes.EnsureAsync(connection);
        }
        catch
        {
            lock (_gate)
            {
                _ensured = null;
            }
            throw;
        }
    }

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? NullableInt64(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static double? NullableDouble(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
