using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using OaiRouter.Tracking.Queries;

namespace OaiRouter.Seed;

/// <summary>
/// Times the tracking UI's queries through <see cref="RequestStore"/> on the server side:
/// first page, filters, every sort both ways, pages deep in the list, searches and the summary.
/// Prints the median and the slowest of several runs per query.
/// </summary>
internal static class Bench
{
    private sealed record Case(string Name, Func<RequestStore, Task<int>> Run, bool IsList = false);

    public static async Task<int> RunAsync(string path, int runs, bool explain, string? only, TextWriter output)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite }.ToString();
        var store = new RequestStore(connectionString);
        var ensure = Stopwatch.StartNew();
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await TrackingIndexes.EnsureAsync(connection);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"indexes ensured in {ensure.Elapsed.TotalSeconds:F1} s"));
        var (rowCount, maxTime, deep) = await Describe(connectionString);
        output.WriteLine($"database {path}: {rowCount:N0} rows; {runs} runs per query: median and max wall ms, median CPU ms");

        var searchId = deep.RequestId;
        var to = DateTimeOffset.FromUnixTimeMilliseconds(maxTime);
        var cases = new List<Case>
        {
            List("list: first page", new RequestQuery()),
            List("list: page 2", new RequestQuery(), pages: 2),
            List("list: deep page (middle)", new RequestQuery { After = deep.Cursor(SortColumn.Time) }),
            List("list: deep page, back", new RequestQuery { Before = deep.Cursor(SortColumn.Time) }),
            List("filter: model", new RequestQuery { Model = "anthropic/claude-3.5-sonnet" }),
            List("filter: model, deep", new RequestQuery { Model = "anthropic/claude-3.5-sonnet", After = deep.Cursor(SortColumn.Time) }),
            List("filter: status 5xx", new RequestQuery { Status = StatusFilter.Parse("5xx") }),
            List("filter: status error", new RequestQuery { Status = StatusFilter.Parse("error") }),
            List("filter: status 429", new RequestQuery { Status = StatusFilter.Parse("429") }),
            List("filter: status 200, deep", new RequestQuery { Status = StatusFilter.Parse("200"), After = deep.Cursor(SortColumn.Time) }),
            List("filter: endpoint", new RequestQuery { Endpoint = "/v1/completions" }),
            List("filter: key", new RequestQuery { KeyLabel = "key-3" }),
            List("filter: last 24 h", new RequestQuery { From = to.AddDays(-1) }),
            List("filter: one hour a week ago", new RequestQuery { From = to.AddDays(-7), To = to.AddDays(-7).AddHours(1) }),
            List("filter: model + 5xx", new RequestQuery { Model = "openai/gpt-4o", Status = StatusFilter.Parse("5xx") }),
            List("filter: model + key + endpoint", new RequestQuery { Model = "openai/gpt-4o-mini", KeyLabel = "key-2", Endpoint = "/v1/completions" }),
            List("filter: rare model + 504", new RequestQuery { Model = "openai/gpt-4o", Status = StatusFilter.Parse("504") }),
            List("filter: no match", new RequestQuery { Model = "no/such-model" }),
        };
        foreach (var column in Enum.GetValues<SortColumn>())
        {
            foreach (var dir in new[] { SortDirection.Desc, SortDirection.Asc })
            {
                var name = column.ToString().ToLowerInvariant() + " " + dir.ToString().ToLowerInvariant();
                cases.Add(List($"sort: {name}", new RequestQuery { Sort = column, Direction = dir }));
                cases.Add(List($"sort: {name}, deep", new RequestQuery { Sort = column, Direction = dir, After = deep.Cursor(column) }));
            }
        }
        cases.AddRange(
        [
            List("sort: cost + model filter", new RequestQuery { Sort = SortColumn.Cost, Model = "google/gemini-2.0-flash-001" }),
            List("sort: latency + 5xx", new RequestQuery { Sort = SortColumn.Latency, Status = StatusFilter.Parse("5xx") }),
            List("sort: tokens + last 24 h", new RequestQuery { Sort = SortColumn.Tokens, From = to.AddDays(-1) }),
            List("sort: cost + one hour", new RequestQuery { Sort = SortColumn.Cost, From = to.AddDays(-7), To = to.AddDays(-7).AddHours(1) }),
            List("sort: model + 504, deep", new RequestQuery { Sort = SortColumn.Model, Status = StatusFilter.Parse("504"), After = deep.Cursor(SortColumn.Model) }),
            List("search: common word", new RequestQuery { Q = "please" }),
            List("search: common word, page 3", new RequestQuery { Q = "please" }, pages: 3),
            List("search: topic word", new RequestQuery { Q = "kubernetes" }),
            List("search: two words", new RequestQuery { Q = "invoice customer" }),
            List("search: rare word", new RequestQuery { Q = "kaloven" }),
            List("search: prefix", new RequestQuery { Q = "kube*" }),
            List("search: request id", new RequestQuery { Q = searchId }),
            List("search: no match", new RequestQuery { Q = "zzzqqqxxx" }),
            List("search: odd characters", new RequestQuery { Q = "\"* NEAR( -\" OR" }),
            List("search: common + sort cost", new RequestQuery { Q = "please", Sort = SortColumn.Cost }),
            List("search: common + model", new RequestQuery { Q = "the", Model = "openai/gpt-4o" }),
            List("search: topic + 5xx + latency", new RequestQuery { Q = "recipe", Status = StatusFilter.Parse("5xx"), Sort = SortColumn.Latency }),
            new("detail: by request id", async s => (await s.GetAsync(searchId)) is null ? 0 : 1),
            new("filter choices", async s => (await s.ChoicesAsync()).Models.Count),
            new("summary: last 24 h", async s => (int)(await s.SummaryAsync(to.AddDays(-1), to)).Requests),
            new("summary: last 7 days", async s => (int)(await s.SummaryAsync(to.AddDays(-7), to)).Requests),
            new("summary: last 30 days", async s => (int)(await s.SummaryAsync(to.AddDays(-30), to)).Requests),
        ]);

        var worstList = 0.0;
        foreach (var c in cases.Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var times = new List<double>();
            var cpu = new List<double>();
            var rows = 0;
            using var process = Process.GetCurrentProcess();
            for (var i = 0; i < runs; i++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                rows = await c.Run(store);
                times.Add(clock.Elapsed.TotalMilliseconds);
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            }
            times.Sort();
            cpu.Sort();
            var median = times[times.Count / 2];
            if (!c.Name.StartsWith("summary", StringComparison.Ordinal))
            {
                worstList = Math.Max(worstList, median);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Name,-36} {median,8:F1} {times[^1],8:F1} {cpu[cpu.Count / 2],8:F1}   rows {rows}"));
            if (explain && c.IsList && store.LastPlan is { } plan)
            {
                output.WriteLine("      plan: " + plan);
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slowest list/filter/sort/search median: {worstList:F1} ms"));
        return worstList < 100 ? 0 : 1;
    }

    private static Case List(string name, RequestQuery query, int pages = 1) => new(name, Pages(query, pages), IsList: true);

    private static Func<RequestStore, Task<int>> Pages(RequestQuery query, int pages) => async store =>
    {
        var q = query;
        var page = await store.ListAsync(q);
        for (var i = 1; i < pages && page.NextCursor is not null; i++)
        {
            q = q with { After = page.NextCursor, Before = null };
            page = await store.ListAsync(q);
        }
        return page.Rows.Count;
    };

    private sealed record DeepRow(long Seq, string RequestId, Dictionary<SortColumn, object> Values)
    {
        public string Cursor(SortColumn column) => new PageCursor(column, Values[column], Seq).Encode();
    }

    /// <summary>Row count, newest time, and the row in the middle of the table for deep cursors.</summary>
    private static async Task<(long Rows, long MaxTime, DeepRow Deep)> Describe(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), max(received_at), max(seq) FROM requests";
        long rows, maxTime, maxSeq;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            rows = reader.GetInt64(0);
            maxTime = reader.GetInt64(1);
            maxSeq = reader.GetInt64(2);
        }
        command.CommandText = """
            SELECT seq, request_id, received_at, COALESCE(model_requested, ''), endpoint, COALESCE(status, -1),
                   COALESCE(total_tokens, -1), COALESCE(cost_usd, -1.0), COALESCE(latency_ms, -1.0)
            FROM requests WHERE seq >= @seq AND outcome = 'completed' ORDER BY seq LIMIT 1
            """;
        command.Parameters.AddWithValue("@seq", maxSeq / 2);
        await using var r = await command.ExecuteReaderAsync();
        await r.ReadAsync();
        var values = new Dictionary<SortColumn, object>
        {
            [SortColumn.Time] = r.GetInt64(2),
            [SortColumn.Model] = r.GetString(3),
            [SortColumn.Endpoint] = r.GetString(4),
            [SortColumn.Status] = r.GetInt64(5),
            [SortColumn.Tokens] = r.GetInt64(6),
            [SortColumn.Cost] = r.GetDouble(7),
            [SortColumn.Latency] = r.GetDouble(8),
        };
        return (rows, maxTime, new DeepRow(r.GetInt64(0), r.GetString(1), values));
    }
}
