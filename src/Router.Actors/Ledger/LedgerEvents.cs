namespace OaiRouter.Actors.Ledger;

/// <summary>Marks what the Ledger persists; every event names its request.</summary>
public interface ILedgerEvent
{
    string RequestId { get; }
}

/// <summary>A request passed validation and is on its way. Bodies are already redacted and capped.</summary>
public sealed record RequestReceived(
    string RequestId,
    DateTimeOffset At,
    string Endpoint,
    string? KeyLabel,
    string? ModelRequested,
    string? ModelRouted,
    string? RoutingReason,
    bool Stream,
    long BytesIn,
    string RequestBody) : ILedgerEvent;

/// <summary>How a request ended: <see cref="Outcome"/> is completed, failed or cancelled.</summary>
public sealed record RequestFinished(
    string RequestId,
    DateTimeOffset At,
    string Outcome,
    int Status,
    string? ErrorType,
    string? ErrorMessage,
    string? GenerationId,
    string? ModelAnswered,
    string? FinishReason,
    long? PromptTokens,
    long? CompletionTokens,
    long? TotalTokens,
    long? CachedTokens,
    long? ReasoningTokens,
    double? CostUsd,
    string? CostSource,
    double LatencyMs,
    double? UpstreamTtfbMs,
    double OverheadMs,
    double MediaMs,
    long BytesOut,
    int Attempts,
    string? ResponseBody,
    string? MediaJson) : ILedgerEvent
{
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

/// <summary>A cost learned later from OpenRouter's <c>GET /generation?id=</c>.</summary>
public sealed record CostReconciled(
    string RequestId,
    DateTimeOffset At,
    string GenerationId,
    double CostUsd,
    long? PromptTokens,
    long? CompletionTokens,
    long? ReasoningTokens,
    long? CachedTokens,
    string CostSource) : ILedgerEvent;

/// <summary>Where a recorded cost came from.</summary>
public static class CostSources
{
    /// <summary><c>usage.cost</c> in the response (or the stream's last chunk).</summary>
    public const string Response = "response";
    /// <summary>Looked up afterwards at <c>/generation</c>.</summary>
    public const string Generation = "generation";
}
