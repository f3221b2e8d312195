namespace OaiRouter.Tracking.Queries;

/// <summary>One row of the request list: what the table shows, without bodies.</summary>
public sealed record RequestListItem(
    long Seq,
    string RequestId,
    DateTimeOffset ReceivedAt,
    string Endpoint,
    string? KeyLabel,
    string? ModelRequested,
    string? ModelAnswered,
    bool Stream,
    string Outcome,
    int? Status,
    string? ErrorType,
    long? PromptTokens,
    long? CompletionTokens,
    long? TotalTokens,
    double? CostUsd,
    double? LatencyMs)
{
    /// <summary>Failed, cancelled, or answered with a status from 400.</summary>
    public bool IsError => Outcome is "failed" or "cancelled" || Status >= 400;
}

/// <summary>A page of the list with the keyset tokens of its neighbours (null at either end).</summary>
public sealed record RequestPage(IReadOnlyList<RequestListItem> Rows, string? NextCursor, string? PreviousCursor);

/// <summary>Every recorded field of one request.</summary>
public sealed record RequestDetail
{
    /// <summary>Row number in the read table.</summary>
    public required long Seq { get; init; }
    /// <summary>The router's request id.</summary>
    public required string RequestId { get; init; }
    /// <summary>OpenRouter's generation id.</summary>
    public string? GenerationId { get; init; }
    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Endpoint path.</summary>
    public required string Endpoint { get; init; }
    /// <summary>Label of the client key.</summary>
    public string? KeyLabel { get; init; }
    /// <summary>Model the client asked for.</summary>
    public string? ModelRequested { get; init; }
    /// <summary>Model the router sent it to.</summary>
    public string? ModelRouted { get; init; }
    /// <summary>Model that answered.</summary>
    public string? ModelAnswered { get; init; }
    /// <summary>Why the router chose the routed model.</summary>
    public string? RoutingReason { get; init; }
    /// <summary>Streamed response.</summary>
    public bool Stream { get; init; }
    /// <summary>received, completed, failed or cancelled.</summary>
    public required string Outcome { get; init; }
    /// <summary>HTTP status.</summary>
    public int? Status { get; init; }
    /// <summary>Error type.</summary>
    public string? ErrorType { get; init; }
    /// <summary>Error message.</summary>
    public string? ErrorMessage { get; init; }
    /// <summary>Prompt tokens.</summary>
    public long? PromptTokens { get; init; }
    /// <summary>Completion tokens.</summary>
    public long? CompletionTokens { get; init; }
    /// <summary>Total tokens.</summary>
    public long? TotalTokens { get; init; }
    /// <summary>Cached prompt tokens.</summary>
    public long? CachedTokens { get; init; }
    /// <summary>Reasoning tokens.</summary>
    public long? ReasoningTokens { get; init; }
    /// <summary>Cost in USD.</summary>
    public double? CostUsd { get; init; }
    /// <summary>Where the cost came from (response or generation).</summary>
    public string? CostSource { get; init; }
    /// <summary>Total latency.</summary>
    public double? LatencyMs { get; init; }
    /// <summary>Upstream time to first byte.</summary>
    public double? UpstreamTtfbMs { get; init; }
    /// <summary>Time spent in the router itself.</summary>
    public double? OverheadMs { get; init; }
    /// <summary>Time spent on media.</summary>
    public double? MediaMs { get; init; }
    /// <summary>Request size.</summary>
    public long? BytesIn { get; init; }
    /// <summary>Response size.</summary>
    public long? BytesOut { get; init; }
    /// <summary>Finish reason.</summary>
    public string? FinishReason { get; init; }
    /// <summary>Upstream attempts.</summary>
    public long? Attempts { get; init; }
    /// <summary>Recorded (redacted, capped) request body.</summary>
    public string? RequestBody { get; init; }
    /// <summary>Recorded response body (streams assembled).</summary>
    public string? ResponseBody { get; init; }
    /// <summary>Media references as JSON.</summary>
    public string? MediaJson { get; init; }

    /// <summary>Failed, cancelled, or answered with a status from 400.</summary>
    public bool IsError => Outcome is "failed" or "cancelled" || Status >= 400;
}

/// <summary>Charts' figures over a time range.</summary>
public sealed record TrafficSummary(
    DateTimeOffset From,
    DateTimeOffset To,
    TimeSpan Bucket,
    long Requests,
    long Errors,
    double CostUsd,
    IReadOnlyList<TimeBucket> Timeline,
    IReadOnlyList<TimeBucket> Days,
    IReadOnlyList<ModelFigures> Models,
    LatencyPercentiles Latency);

/// <summary>Requests, errors and cost in one time bucket.</summary>
public sealed record TimeBucket(DateTimeOffset Start, long Requests, long Errors, double CostUsd);

/// <summary>One model's share of a range.</summary>
public sealed record ModelFigures(string Model, long Requests, long Errors, double CostUsd, LatencyPercentiles Latency);

/// <summary>Latency percentiles in milliseconds (null when no request finished in range).</summary>
public sealed record LatencyPercentiles(long Count, double? P50, double? P95, double? P99);

/// <summary>The values present in the table, for the filter form's choices.</summary>
public sealed record FilterChoices(
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Endpoints,
    IReadOnlyList<string> KeyLabels,
    IReadOnlyList<int> Statuses);
