using System.Text;
using Microsoft.Data.Sqlite;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Tracking.Queries;

/// <summary>
/// The indexes the tracking queries need beyond those of <see cref="RequestsSchema"/>. Every
/// statement is idempotent, so this runs on each start (and on a fresh file before the
/// projection created the table, which is why the schema's own DDL runs first).
/// </summary>
/// <remarks>
/// SQLite appends the rowid (seq) to every index, so each one below walks in (…, value, seq)
/// order, which is what keyset paging needs. Sort values are spelled exactly as in
/// <see cref="SortKey"/> so the planner matches them.
/// <list type="bullet">
/// <item>One index per sort expression: the unfiltered list in any order.</item>
/// <item>One per (equality filter, sort): a filtered list in any order is a seek, however the
/// filter and the sort are correlated (a cheap model sorted by cost, failures sorted by cost).</item>
/// <item>Partial indexes over errors only, per sort: the error filter in any order.</item>
/// <item>A covering time index: time-range scans and the summary never read the wide rows.</item>
/// </list>
/// </remarks>
public static class TrackingIndexes
{
    /// <summary>The error filter, spelled as the partial indexes' WHERE so SQLite can use them.</summary>
    internal const string ErrorCondition = "(r.status >= 400 OR r.outcome IN ('failed', 'cancelled'))";

    /// <summary>Columns an equality filter can name, with the short name used in index names.</summary>
    internal static readonly IReadOnlyList<(string Column, string Short)> FilterColumns =
    [
        ("key_label", "key"),
        ("model_requested", "model"),
        ("endpoint", "endpoint"),
        ("status", "status"),
    ];

    /// <summary>The covering index over time.</summary>
    internal const string TimeIndex = "ix_tracking_time";

    /// <summary>The (filter, sort) index name, or null when the sort is over the filter's own column.</summary>
    internal static string? Composite(string filterColumn, SortKey sort)
    {
        if (sort.Column == SortColumn.Time || sort.SourceColumn == filterColumn)
        {
            return null;
        }
        var filter = FilterColumns.First(f => f.Column == filterColumn);
        return $"ix_tracking_{filter.Short}_{sort.UrlName}";
    }

    /// <summary>The partial index over errors for a sort.</summary>
    internal static string Error(SortKey sort) => $"ix_tracking_error_{sort.UrlName}";

    /// <summary>All statements, in order.</summary>
    public static string CreateSql { get; } = BuildSql();

    private static string BuildSql()
    {
        var sql = new StringBuilder();
        foreach (var sort in SortKey.All.Where(s => s.Column != SortColumn.Time))
        {
            sql.AppendLine($"CREATE INDEX IF NOT EXISTS {sort.Index} ON requests({sort.Expression});");
        }
        foreach (var (column, _) in FilterColumns)
        {
            foreach (var sort in SortKey.All)
            {
                if (Composite(column, sort) is { } name)
                {
                    sql.AppendLine($"CREATE INDEX IF NOT EXISTS {name} ON requests({column}, {sort.Expression});");
                }
            }
        }
        var errorWhere = ErrorCondition.Replace("r.", "", StringComparison.Ordinal);
        foreach (var sort in SortKey.All)
        {
            sql.AppendLine($"CREATE INDEX IF NOT EXISTS {Error(sort)} ON requests({sort.Expression}) WHERE {errorWhere};");
        }
        sql.AppendLine("CREATE INDEX IF NOT EXISTS ix_tracking_outcome ON requests(outcome, received_at);");
        sql.AppendLine($"""
            CREATE INDEX IF NOT EXISTS {TimeIndex} ON requests(received_at, seq, model_requested, endpoint, key_label,
                outcome, status, total_tokens, cost_usd, latency_ms);
            """);
        return sql.ToString();
    }

    /// <summary>Creates the requests table (if missing) and the tracking indexes.</summary>
    public static async Task EnsureAsync(SqliteConnection connection, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = RequestsSchema.CreateSql + "\n" + CreateSql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
