namespace OaiRouter.Tracking.Queries;

/// <summary>How a page of the list is found.</summary>
internal enum PlanMode
{
    /// <summary>Walk one index in sort order from the cursor; stop at a page.</summary>
    Ordered,
    /// <summary>Read (seq, sort value) of every match from one covering index, keep the best page, then fetch those rows.</summary>
    TopK,
    /// <summary>Few rows match: let SQLite find them by any index and sort them.</summary>
    Set,
}

/// <summary>
/// The way to a page: the mode and the index. <see cref="Exact"/> means the index applies every
/// filter itself, so a page costs a page of index entries; otherwise filters are checked row by
/// row, and the store first counts matches (up to a bound) to see whether sorting them is cheaper.
/// </summary>
internal sealed record ListPlan(PlanMode Mode, string? Index, bool Exact);

/// <summary>Chooses the index for a list query from its filters and sort (see <see cref="TrackingIndexes"/>).</summary>
internal static class ListPlanner
{
    /// <param name="timeRangeRows">Rows in the query's time range, counted up to a bound; null without a range.</param>
    /// <param name="topKLimit">Up to this many rows in a time range are ranked from the covering time index.</param>
    public static ListPlan Choose(RequestQuery query, long? timeRangeRows, int topKLimit)
    {
        var sort = SortKey.For(query.Sort);
        var isTime = sort.Column == SortColumn.Time;
        var equalities = EqualityColumns(query);
        var status = query.Status?.Kind;
        var hasTime = query.From is not null || query.To is not null;

        if (status == StatusFilterKind.Error)
        {
            // Partial indexes hold errors only; the time one also serves a time range.
            return new ListPlan(PlanMode.Ordered, TrackingIndexes.Error(sort), equalities.Count == 0 && (isTime || !hasTime));
        }

        if (equalities.Count > 0)
        {
            var first = equalities[0];
            var residual = equalities.Count - 1
                + (status is StatusFilterKind.Range or StatusFilterKind.Pending ? 1 : 0)
                + (hasTime && !isTime ? 1 : 0);
            if (isTime)
            {
                // The schema's (column, received_at, seq) indexes: the range on time is a seek too.
                return new ListPlan(PlanMode.Ordered, TimeIndexFor(first), residual == 0);
            }
            if (sort.SourceColumn == first)
            {
                // The filter is also said on the sort expression, so the sort index seeks on it.
                return new ListPlan(PlanMode.Ordered, sort.Index, residual == 0);
            }
            return new ListPlan(PlanMode.Ordered, TrackingIndexes.Composite(first, sort), residual == 0);
        }

        if (status == StatusFilterKind.Range)
        {
            // A status class is a range: its rows are not in sort order in any index, but
            // (status, sort value) holds both, so ranking them needs no table reads.
            return new ListPlan(PlanMode.TopK, isTime ? "ix_requests_status" : TrackingIndexes.Composite("status", sort), true);
        }

        if (status == StatusFilterKind.Pending)
        {
            return new ListPlan(PlanMode.Set, null, false);
        }

        if (hasTime)
        {
            if (isTime)
            {
                return new ListPlan(PlanMode.Ordered, sort.Index, true);
            }
            return timeRangeRows <= topKLimit
                ? new ListPlan(PlanMode.TopK, TrackingIndexes.TimeIndex, true)
                : new ListPlan(PlanMode.Ordered, sort.Index, false);
        }

        return new ListPlan(PlanMode.Ordered, sort.Index, true);
    }

    /// <summary>The equality filters present, most selective first (a guess: keys, then models, endpoints, statuses).</summary>
    public static List<string> EqualityColumns(RequestQuery query)
    {
        var columns = new List<string>(4);
        if (query.KeyLabel is not null)
        {
            columns.Add("key_label");
        }
        if (query.Model is not null)
        {
            columns.Add("model_requested");
        }
        if (query.Endpoint is not null)
        {
            columns.Add("endpoint");
        }
        if (query.Status?.Kind == StatusFilterKind.Exact)
        {
            columns.Add("status");
        }
        return columns;
    }

    private static string TimeIndexFor(string column) => column switch
    {
        "key_label" => "ix_requests_key",
        "model_requested" => "ix_requests_model",
        "endpoint" => "ix_requests_endpoint",
        _ => "ix_requests_status",
    };
}
