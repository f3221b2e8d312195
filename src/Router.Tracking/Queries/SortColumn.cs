namespace OaiRouter.Tracking.Queries;

/// <summary>The columns the request list can be sorted by.</summary>
public enum SortColumn
{
    /// <summary>When the router received the request.</summary>
    Time,
    /// <summary>The model the client asked for.</summary>
    Model,
    /// <summary>The endpoint called (<c>/v1/chat/completions</c>, …).</summary>
    Endpoint,
    /// <summary>The HTTP status answered.</summary>
    Status,
    /// <summary>Total tokens.</summary>
    Tokens,
    /// <summary>Cost in USD.</summary>
    Cost,
    /// <summary>Total latency.</summary>
    Latency,
}

/// <summary>Which way a sort runs.</summary>
public enum SortDirection
{
    /// <summary>Largest (or newest) first.</summary>
    Desc,
    /// <summary>Smallest (or oldest) first.</summary>
    Asc,
}

/// <summary>What a sort column's values are, so a cursor can carry them back.</summary>
internal enum SortValueKind
{
    /// <summary>A 64-bit integer.</summary>
    Integer,
    /// <summary>A double.</summary>
    Real,
    /// <summary>Text.</summary>
    Text,
}

/// <summary>
/// How a sort column maps onto SQL. Nullable columns are sorted through COALESCE so that keyset
/// comparisons never meet NULL; each expression has an index of exactly the same text (see
/// <see cref="TrackingIndexes"/>), which is what lets SQLite walk it in order.
/// </summary>
internal sealed record SortKey(
    SortColumn Column, string UrlName, string SourceColumn, string Expression, string Index, SortValueKind Kind, SortDirection DefaultDirection)
{
    public static readonly IReadOnlyList<SortKey> All =
    [
        new(SortColumn.Time, "time", "received_at", "received_at", "ix_requests_received", SortValueKind.Integer, SortDirection.Desc),
        new(SortColumn.Model, "model", "model_requested", "COALESCE(model_requested, '')", "ix_tracking_sort_model", SortValueKind.Text, SortDirection.Asc),
        new(SortColumn.Endpoint, "endpoint", "endpoint", "endpoint", "ix_tracking_sort_endpoint", SortValueKind.Text, SortDirection.Asc),
        new(SortColumn.Status, "status", "status", "COALESCE(status, -1)", "ix_tracking_sort_status", SortValueKind.Integer, SortDirection.Desc),
        new(SortColumn.Tokens, "tokens", "total_tokens", "COALESCE(total_tokens, -1)", "ix_tracking_sort_tokens", SortValueKind.Integer, SortDirection.Desc),
        new(SortColumn.Cost, "cost", "cost_usd", "COALESCE(cost_usd, -1.0)", "ix_tracking_sort_cost", SortValueKind.Real, SortDirection.Desc),
        new(SortColumn.Latency, "latency", "latency_ms", "COALESCE(latency_ms, -1.0)", "ix_tracking_sort_latency", SortValueKind.Real, SortDirection.Desc),
    ];

    public static SortKey For(SortColumn column) => All[(int)column];

    /// <summary>The expression with its column qualified by the alias <c>r</c>.</summary>
    public string Qualified => Expression.Replace(SourceColumn, "r." + SourceColumn, StringComparison.Ordinal);

    public static bool TryParse(string? name, out SortColumn column)
    {
        foreach (var key in All)
        {
            if (string.Equals(key.UrlName, name, StringComparison.OrdinalIgnoreCase))
            {
                column = key.Column;
                return true;
            }
        }
        column = SortColumn.Time;
        return false;
    }
}
