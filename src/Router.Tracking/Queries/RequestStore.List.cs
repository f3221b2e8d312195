using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace OaiRouter.Tracking.Queries;

/// <remarks>
/// <para>Paging is by keyset: a page starts after (or ends before) the (sort value, seq) of a
/// row, so page 10 000 costs what page 1 costs. <see cref="ListPlanner"/> picks the index; most
/// filter and sort combinations have one that filters and sorts at once (see
/// <see cref="TrackingIndexes"/>). When filters are left to check row by row, matches are first
/// counted up to <see cref="SmallSetLimit"/>: a small set is fetched and sorted outright.</para>
/// <para>Full-text search counts its matches up to <see cref="LargeSearchLimit"/>. A few are
/// fetched through FTS5 and sorted. More are checked against the walk in sort order: in time
/// order, batch by batch through FTS5's rowid ranges (seq follows arrival, so a batch is a narrow
/// range); in other orders, against the matches collected once, or per row when nearly every row
/// matches anyway.</para>
/// </remarks>
public sealed partial class RequestStore
{
    [GeneratedRegex("^\\s*req_[0-9a-f]{32}\\s*$")]
    private static partial Regex RequestIdPattern();

    /// <summary>Matches at or below this are sorted in full rather than walked in sort order.</summary>
    public const int DefaultSmallSetLimit = 2000;

    /// <summary>Searches with more matches than this are checked row by row instead of collected.</summary>
    public const int LargeSearchLimit = 100_000;

    /// <summary>Rows in a time range ranked from the covering time index rather than walked in sort order.</summary>
    public const int TimeRangeRankLimit = 30_000;

    private const string ListColumns = """
        r.seq, r.request_id, r.received_at, r.endpoint, r.key_label, r.model_requested, r.model_answered,
        r.stream, r.outcome, r.status, r.error_type, r.prompt_tokens, r.completion_tokens, r.total_tokens,
        r.cost_usd, r.latency_ms
        """;

    private const string FtsSet = "r.seq IN (SELECT rowid FROM requests_fts WHERE requests_fts MATCH @q)";
    private const string FtsRow = "EXISTS (SELECT 1 FROM requests_fts WHERE requests_fts MATCH @q AND requests_fts.rowid = r.seq)";

    /// <summary>See the remarks on the type.</summary>
    public int SmallSetLimit { get; }

    /// <summary>What the last list query did, for the bench.</summary>
    internal string? LastPlan { get; private set; }

    /// <summary>One page of the list described by <paramref name="query"/>.</summary>
    public async Task<RequestPage> ListAsync(RequestQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        return await ListAsync(connection, query, cancellationToken);
    }

    private sealed record Candidate(long Seq, object SortValue);

    private sealed class ListContext(SqliteConnection connection, RequestQuery query, CancellationToken cancellationToken)
    {
        public SqliteConnection Connection { get; } = connection;
        public RequestQuery Query { get; } = query;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public SortKey Sort { get; } = SortKey.For(query.Sort);
        public string? Fts { get; } = FtsQuery.Build(query.Q);
        public ListPlan Plan { get; set; } = null!;
        /// <summary>An extra condition on every candidate: the full-text check chosen for this query.</summary>
        public string? FtsTerm { get; set; }
        public bool Descending { get; set; }
        public PageCursor? Cursor { get; set; }
    }

    private async Task<RequestPage> ListAsync(SqliteConnection connection, RequestQuery query, CancellationToken cancellationToken)
    {
        var after = PageCursor.Decode(query.After, query.Sort);
        var before = after is null ? PageCursor.Decode(query.Before, query.Sort) : null;
        var backwards = before is not null;
        var size = Math.Clamp(query.PageSize, 1, RequestQuery.MaxPageSize);
        var context = new ListContext(connection, query, cancellationToken)
        {
            // Walking backwards reads the rows before the cursor in reverse, then flips them.
            Descending = (query.Direction == SortDirection.Desc) != backwards,
            Cursor = after ?? before,
        };

        long? timeRows = null;
        if (query.From is not null || query.To is not null)
        {
            timeRows = await CountAsync(context, "requests r INDEXED BY ix_requests_received", TimeTerms(query), _timeRangeRankLimit);
        }
        context.Plan = ListPlanner.Choose(query, timeRows, _timeRangeRankLimit);
        if (context.Plan.Mode == PlanMode.Ordered && !context.Plan.Exact
            && await CountAsync(context, "requests r", FilterTerms(context), SmallSetLimit) <= SmallSetLimit)
        {
            context.Plan = new ListPlan(PlanMode.Set, null, false);
        }

        var probe = false;
        if (RequestIdPattern().IsMatch(query.Q ?? ""))
        {
            // A request id: one lookup on its unique index, not a phrase search over every "req".
            context.Plan = new ListPlan(PlanMode.Set, null, false);
            context.FtsTerm = "r.request_id = @request_id";
        }
        else if (context.Fts is not null)
        {
            // Counting costs per match, so count no further than the decision needs. Walking
            // time order with rowid-range checks costs about rows / matches index entries per row
            // found, fetching matches costs a table read each (a few times dearer): for time order
            // the walk wins from about 4 √rows matches.
            var timeOrder = context.Sort.Column == SortColumn.Time && context.Plan.Mode != PlanMode.Set;
            var few = timeOrder
                ? Math.Max(SmallSetLimit, Math.Min(_largeSearchLimit, (int)Math.Sqrt(16 * await RowEstimateAsync(context))))
                : SmallSetLimit;
            if (await CountAsync(context, "requests_fts", ["requests_fts MATCH @q"], few) <= few)
            {
                context.Plan = new ListPlan(PlanMode.Set, null, false);
                context.FtsTerm = FtsSet;
            }
            else if (timeOrder)
            {
                // Time order follows seq, so FTS5 can check a batch of candidates as one rowid range.
                // A ranked plan has no time order to walk: the covering time index has, and
                // checks the status filter without reading rows.
                if (context.Plan.Mode == PlanMode.TopK)
                {
                    context.Plan = new ListPlan(PlanMode.Ordered, TrackingIndexes.TimeIndex, false);
                }
                probe = true;
            }
            else
            {
                var dense = await DenseSearchLimitAsync(context);
                if (await CountAsync(context, "requests_fts", ["requests_fts MATCH @q"], dense) <= dense)
                {
                    context.FtsTerm = FtsSet;
                }
                else
                {
                    // Most rows match: per-row checks find a page quickly. Ranking every row of a
                    // filter would check each one, so walk in sort order instead.
                    context.FtsTerm = FtsRow;
                    if (context.Plan.Mode == PlanMode.TopK)
                    {
                        context.Plan = new ListPlan(PlanMode.Ordered, context.Sort.Index, false);
                    }
                }
            }
        }
        LastPlan = $"{context.Plan.Mode} {context.Plan.Index ?? "(any index)"}{(context.Plan.Exact ? " exact" : "")}"
            + (probe ? " + fts ranges" : context.FtsTerm == FtsSet ? " + fts set" : context.FtsTerm == FtsRow ? " + fts per row" : "");

        var (rows, sortValues) = probe
            ? await ProbeAsync(context, size + 1)
            : context.Plan.Mode switch
            {
                PlanMode.Ordered => await OrderedAsync(context, size + 1),
                PlanMode.TopK => await TopKAsync(context, size + 1),
                _ => await SetAsync(context, size + 1),
            };

        var more = rows.Count > size;
        if (more)
        {
            rows.RemoveAt(size);
            sortValues.RemoveAt(size);
        }
        if (backwards)
        {
            if (!more)
            {
                // Back at the start: show a full first page rather than a short one.
                return await ListAsync(connection, query.FirstPage(), cancellationToken);
            }
            rows.Reverse();
            sortValues.Reverse();
        }
        var hasNext = backwards || more;
        var hasPrevious = backwards ? more : after is not null;
        string Token(int i) => new PageCursor(query.Sort, sortValues[i], rows[i].Seq).Encode();
        return new RequestPage(
            rows,
            hasNext && rows.Count > 0 ? Token(rows.Count - 1) : null,
            hasPrevious && rows.Count > 0 ? Token(0) : null);
    }

    /// <summary>
    /// Above this many matches a search is checked row by row, below it its matches are collected
    /// once. Collecting costs per match; checking costs per row walked, about a page divided by the
    /// share of rows that match; they cost the same near √(25 000 × rows) matches.
    /// </summary>
    private async Task<int> DenseSearchLimitAsync(ListContext context) =>
        (int)Math.Clamp(Math.Sqrt(25_000 * await RowEstimateAsync(context)), SmallSetLimit, _largeSearchLimit);

    /// <summary>About how many rows the table holds (the last seq), refreshed every few minutes.</summary>
    private async Task<double> RowEstimateAsync(ListContext context)
    {
        // The table only grows; a figure a few minutes old is close enough.
        if (_rowEstimate is { } known && Environment.TickCount64 - _rowEstimateAt < 300_000)
        {
            return known;
        }
        await using var command = context.Connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(max(seq), 0) FROM requests";
        var rows = Convert.ToDouble(await command.ExecuteScalarAsync(context.CancellationToken), CultureInfo.InvariantCulture);
        _rowEstimate = rows;
        _rowEstimateAt = Environment.TickCount64;
        return rows;
    }

    /// <summary>
    /// Walks the plan's index from the cursor. The cursor is split in two seeks — the rest of the
    /// cursor's own sort value (by seq), then the values beyond it — because SQLite seeks an
    /// index on "value = ? AND seq &lt; ?" and on "value &lt; ?", but not on a row-value comparison
    /// over an expression.
    /// </summary>
    private async Task<(List<RequestListItem> Rows, List<object> SortValues)> OrderedAsync(ListContext context, int limit)
    {
        var rows = new List<RequestListItem>(limit);
        var values = new List<object>(limit);
        await foreach (var (row, value) in OrderedRowsAsync(context, context.Cursor, limit, fullRows: true))
        {
            rows.Add(row!);
            values.Add(value);
        }
        return (rows, values);
    }

    private async IAsyncEnumerable<(RequestListItem? Row, object SortValue)> OrderedRowsAsync(
        ListContext context, PageCursor? cursor, int limit, bool fullRows)
    {
        var sort = context.Sort.Qualified;
        var op = context.Descending ? "<" : ">";
        var count = 0;
        if (cursor is not null)
        {
            await using var same = BuildSelect(context, cursor, fullRows, [$"{sort} = @cv", $"r.seq {op} @cs"], orderBySeqOnly: true, limit);
            await foreach (var item in ReadAsync(context, same, fullRows))
            {
                count++;
                yield return item;
            }
        }
        if (count >= limit)
        {
            yield break;
        }
        await using var beyond = BuildSelect(context, cursor, fullRows, cursor is null ? [] : [$"{sort} {op} @cv"], orderBySeqOnly: false, limit - count);
        await foreach (var item in ReadAsync(context, beyond, fullRows))
        {
            yield return item;
        }
    }

    /// <summary>
    /// Time order with a search that matches many rows: take candidates from the ordered walk in
    /// growing batches and ask FTS5 which of them match, as one rowid range per batch.
    /// </summary>
    private async Task<(List<RequestListItem> Rows, List<object> SortValues)> ProbeAsync(ListContext context, int limit)
    {
        var found = new List<Candidate>(limit);
        var cursor = context.Cursor;
        var batch = 256;
        while (found.Count < limit)
        {
            var candidates = new List<Candidate>(batch);
            await foreach (var (_, value) in OrderedRowsAsync(context, cursor, batch, fullRows: false))
            {
                candidates.Add((Candidate)value);
            }
            if (candidates.Count == 0)
            {
                break;
            }
            var matching = await FtsRangeAsync(context, candidates.Min(c => c.Seq), candidates.Max(c => c.Seq));
            found.AddRange(candidates.Where(c => matching.Contains(c.Seq)).Take(limit - found.Count));
            if (candidates.Count < batch)
            {
                break;
            }
            var last = candidates[^1];
            cursor = new PageCursor(context.Query.Sort, last.SortValue, last.Seq);
            batch = Math.Min(batch * 4, 16_384);
        }
        return await FetchAsync(context, found);
    }

    private async Task<HashSet<long>> FtsRangeAsync(ListContext context, long low, long high)
    {
        await using var command = context.Connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM requests_fts WHERE requests_fts MATCH @q AND rowid BETWEEN @low AND @high";
        command.Parameters.AddWithValue("@q", context.Fts);
        command.Parameters.AddWithValue("@low", low);
        command.Parameters.AddWithValue("@high", high);
        var seqs = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        while (await reader.ReadAsync(context.CancellationToken))
        {
            seqs.Add(reader.GetInt64(0));
        }
        return seqs;
    }

    /// <summary>
    /// Ranks every match of a covering index by sort value without reading the wide rows, then
    /// fetches the page's rows.
    /// </summary>
    private async Task<(List<RequestListItem> Rows, List<object> SortValues)> TopKAsync(ListContext context, int limit)
    {
        var candidates = new List<Candidate>(limit);
        await using var command = BuildSelect(context, context.Cursor, fullRows: false, KeysetTerms(context, hidden: true), orderBySeqOnly: false, limit, hideSort: true);
        await foreach (var (_, value) in ReadAsync(context, command, fullRows: false))
        {
            candidates.Add((Candidate)value);
        }
        return await FetchAsync(context, candidates);
    }

    /// <summary>Few matches: SQLite finds them by whichever index suits the filters, and sorts them.</summary>
    private async Task<(List<RequestListItem> Rows, List<object> SortValues)> SetAsync(ListContext context, int limit)
    {
        var rows = new List<RequestListItem>(limit);
        var values = new List<object>(limit);
        await using var command = BuildSelect(context, context.Cursor, fullRows: true, KeysetTerms(context, hidden: true), orderBySeqOnly: false, limit, hideSort: true);
        await foreach (var (row, value) in ReadAsync(context, command, fullRows: true))
        {
            rows.Add(row!);
            values.Add(value);
        }
        return (rows, values);
    }

    /// <summary>The whole cursor condition in one term, for plans that sort what they find.</summary>
    private static List<string> KeysetTerms(ListContext context, bool hidden)
    {
        if (context.Cursor is null)
        {
            return [];
        }
        var sort = (hidden ? "+" : "") + context.Sort.Qualified;
        var op = context.Descending ? "<" : ">";
        return [$"({sort} {op} @cv OR ({sort} = @cv AND r.seq {op} @cs))"];
    }

    private static SqliteCommand BuildSelect(
        ListContext context, PageCursor? cursor, bool fullRows, IReadOnlyList<string> extra, bool orderBySeqOnly, int limit, bool hideSort = false)
    {
        var command = context.Connection.CreateCommand();
        var terms = FilterTerms(context, command);
        if (context.FtsTerm is not null)
        {
            terms.Add(context.FtsTerm);
        }
        terms.AddRange(extra);
        if (cursor is not null)
        {
            if (extra.Any(t => t.Contains("@cv", StringComparison.Ordinal)))
            {
                command.Parameters.AddWithValue("@cv", cursor.Value);
            }
            if (extra.Any(t => t.Contains("@cs", StringComparison.Ordinal)))
            {
                command.Parameters.AddWithValue("@cs", cursor.Seq);
            }
        }
        var dir = context.Descending ? "DESC" : "ASC";
        // A leading + hides the expression from indexes, so SQLite filters first and sorts after
        // instead of walking a whole sort index.
        var sort = (hideSort ? "+" : "") + context.Sort.Qualified;
        var sql = new StringBuilder("SELECT ")
            .Append(fullRows ? ListColumns + ", " : "r.seq, ")
            .Append(context.Sort.Qualified).Append(" AS sort_value FROM requests r");
        if (context.Plan.Index is not null)
        {
            sql.Append(" INDEXED BY ").Append(context.Plan.Index);
        }
        if (terms.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", terms);
        }
        sql.Append(" ORDER BY ");
        if (!orderBySeqOnly)
        {
            sql.Append(sort).Append(' ').Append(dir).Append(", ");
        }
        sql.Append("r.seq ").Append(dir).Append(" LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit);
        command.CommandText = sql.ToString();
        return command;
    }

    private static async IAsyncEnumerable<(RequestListItem? Row, object SortValue)> ReadAsync(ListContext context, SqliteCommand command, bool fullRows)
    {
        await using var reader = await command.ExecuteReaderAsync(context.CancellationToken);
        var valueColumn = fullRows ? 16 : 1;
        while (await reader.ReadAsync(context.CancellationToken))
        {
            var value = ReadSortValue(reader, valueColumn, context.Sort.Kind);
            yield return fullRows
                ? (ReadListItem(reader), value)
                : (null, new Candidate(reader.GetInt64(0), value));
        }
    }

    /// <summary>The full rows of chosen candidates, in the candidates' order.</summary>
    private async Task<(List<RequestListItem> Rows, List<object> SortValues)> FetchAsync(ListContext context, List<Candidate> candidates)
    {
        var rows = new List<RequestListItem>(candidates.Count);
        if (candidates.Count == 0)
        {
            return (rows, []);
        }
        await using var command = context.Connection.CreateCommand();
        var names = new List<string>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            names.Add("@s" + i.ToString(CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue(names[^1], candidates[i].Seq);
        }
        command.CommandText = $"SELECT {ListColumns} FROM requests r WHERE r.seq IN ({string.Join(", ", names)})";
        var bySeq = new Dictionary<long, RequestListItem>(candidates.Count);
        await using (var reader = await command.ExecuteReaderAsync(context.CancellationToken))
        {
            while (await reader.ReadAsync(context.CancellationToken))
            {
                var row = ReadListItem(reader);
                bySeq[row.Seq] = row;
            }
        }
        var values = new List<object>(candidates.Count);
        foreach (var candidate in candidates)
        {
            // A row deleted by retention in between is simply left out.
            if (bySeq.TryGetValue(candidate.Seq, out var row))
            {
                rows.Add(row);
                values.Add(candidate.SortValue);
            }
        }
        return (rows, values);
    }

    /// <summary>Counts rows of <paramref name="from"/> matching <paramref name="terms"/>, stopping after <paramref name="bound"/> + 1.</summary>
    private static async Task<long> CountAsync(ListContext context, string from, IReadOnlyList<string> terms, int bound)
    {
        await using var command = context.Connection.CreateCommand();
        if (terms.Any(t => t.Contains("@q", StringComparison.Ordinal)))
        {
            command.Parameters.AddWithValue("@q", context.Fts);
        }
        AddFilterParameters(command, context.Query);
        var where = terms.Count == 0 ? "" : " WHERE " + string.Join(" AND ", terms);
        var alias = from.StartsWith("requests r", StringComparison.Ordinal) ? "1" : "rowid";
        command.CommandText = $"SELECT count(*) FROM (SELECT {alias} FROM {from}{where} LIMIT @k)";
        command.Parameters.AddWithValue("@k", bound + 1);
        return Convert.ToInt64(await command.ExecuteScalarAsync(context.CancellationToken), CultureInfo.InvariantCulture);
    }

    private static List<string> TimeTerms(RequestQuery query)
    {
        var terms = new List<string>(2);
        if (query.From is not null)
        {
            terms.Add("r.received_at >= @from");
        }
        if (query.To is not null)
        {
            terms.Add("r.received_at < @to");
        }
        return terms;
    }

    /// <summary>The filters as SQL terms, spelled so the chosen index can seek on them.</summary>
    private static List<string> FilterTerms(ListContext context, SqliteCommand? command = null)
    {
        var query = context.Query;
        var terms = new List<string>();
        // Model and status are also said on their sort expressions: the (filter, sort)
        // indexes hold those, so two filters together are one seek.
        if (query.Model is not null)
        {
            terms.Add("r.model_requested = @model");
            terms.Add("COALESCE(r.model_requested, '') = @model");
        }
        if (query.Endpoint is not null)
        {
            terms.Add("r.endpoint = @endpoint");
        }
        if (query.KeyLabel is not null)
        {
            terms.Add("r.key_label = @key");
        }
        switch (query.Status?.Kind)
        {
            case StatusFilterKind.Exact:
                terms.Add("r.status = @status");
                terms.Add("COALESCE(r.status, -1) = @status");
                break;
            case StatusFilterKind.Range:
                terms.Add("r.status >= @status_low AND r.status < @status_high");
                terms.Add("COALESCE(r.status, -1) >= @status_low AND COALESCE(r.status, -1) < @status_high");
                break;
            case StatusFilterKind.Error:
                terms.Add(TrackingIndexes.ErrorCondition);
                break;
            case StatusFilterKind.Pending:
                terms.Add("r.outcome = 'received'");
                break;
        }
        terms.AddRange(TimeTerms(query));
        if (command is not null)
        {
            AddFilterParameters(command, query);
            if (context.Fts is not null)
            {
                command.Parameters.AddWithValue("@q", context.Fts);
            }
            if (query.Q is not null)
            {
                command.Parameters.AddWithValue("@request_id", query.Q.Trim());
            }
        }
        return terms;
    }

    private static void AddFilterParameters(SqliteCommand command, RequestQuery query)
    {
        if (query.Model is not null)
        {
            command.Parameters.AddWithValue("@model", query.Model);
        }
        if (query.Endpoint is not null)
        {
            command.Parameters.AddWithValue("@endpoint", query.Endpoint);
        }
        if (query.KeyLabel is not null)
        {
            command.Parameters.AddWithValue("@key", query.KeyLabel);
        }
        if (query.Status?.Kind == StatusFilterKind.Exact)
        {
            command.Parameters.AddWithValue("@status", query.Status.Low);
        }
        if (query.Status?.Kind == StatusFilterKind.Range)
        {
            command.Parameters.AddWithValue("@status_low", query.Status.Low);
            command.Parameters.AddWithValue("@status_high", query.Status.High);
        }
        if (query.From is { } from)
        {
            command.Parameters.AddWithValue("@from", from.ToUnixTimeMilliseconds());
        }
        if (query.To is { } to)
        {
            command.Parameters.AddWithValue("@to", to.ToUnixTimeMilliseconds());
        }
    }

    private static object ReadSortValue(SqliteDataReader reader, int column, SortValueKind kind) => kind switch
    {
        SortValueKind.Integer => reader.GetInt64(column),
        SortValueKind.Real => reader.GetDouble(column),
        _ => reader.GetString(column),
    };

    private static RequestListItem ReadListItem(SqliteDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        r.GetString(3),
        NullableString(r, 4),
        NullableString(r, 5),
        NullableString(r, 6),
        r.GetInt64(7) != 0,
        r.GetString(8),
        r.IsDBNull(9) ? null : r.GetInt32(9),
        NullableString(r, 10),
        NullableInt64(r, 11),
        NullableInt64(r, 12),
        NullableInt64(r, 13),
        NullableDouble(r, 14),
        NullableDouble(r, 15));
}
