using OaiRouter.Actors.Ledger;

namespace OaiRouter.Tracking.Tests.Projection;

/// <summary>Realistic ledger events for tests.</summary>
internal static class LedgerEventsFactory
{
    public static RequestReceived Received(string id, DateTimeOffset at, string text = "hello there") => new(
        id, at, "/v1/chat/completions", "team-a", "openai/gpt-4o-mini", "openai/gpt-4o-mini", "requested",
        Stream: false, BytesIn: 123,
        RequestBody: $$"""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"{{text}}"}]}""");

    public static RequestFinished Finished(string id, DateTimeOffset at, string text = "general kenobi",
        double? cost = 0.0012, string? generationId = "gen-1") => new(
        id, at, RequestFinished.Completed, 200, null, null, generationId, "openai/gpt-4o-mini-2024", "stop",
        PromptTokens: 11, CompletionTokens: 7, TotalTokens: 18, CachedTokens: 2, ReasoningTokens: 1,
        CostUsd: cost, CostSource: cost is null ? null : CostSources.Response,
        LatencyMs: 420.5, UpstreamTtfbMs: 300.25, OverheadMs: 3.5, MediaMs: 0, BytesOut: 456, Attempts: 1,
        ResponseBody: $$"""{"id":"{{generationId}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{text}}"},"finish_reason":"stop"}]}""",
        MediaJson: null);
}
