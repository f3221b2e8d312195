using System.Text.Json;

namespace OaiRouter.Actors.Records;

/// <summary>The usage numbers the record keeps, read from OpenRouter's <c>usage</c> object.</summary>
public sealed record UsageFigures(
    long? PromptTokens,
    long? CompletionTokens,
    long? TotalTokens,
    long? CachedTokens,
    long? ReasoningTokens,
    double? CostUsd)
{
    public static UsageFigures? FromUsageJson(string? usageJson)
    {
        if (string.IsNullOrWhiteSpace(usageJson))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(usageJson);
            return FromUsage(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads <c>usage</c> out of a whole non-streamed response body.</summary>
    public static UsageFigures? FromResponseBody(ReadOnlySpan<byte> body)
    {
        try
        {
            var doc = JsonDocument.Parse(body.ToArray());
            using (doc)
            {
                return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("usage", out var usage)
                    ? FromUsage(usage)
                    : null;
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static UsageFigures? FromUsage(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return new UsageFigures(
            Long(usage, "prompt_tokens"),
            Long(usage, "completion_tokens"),
            Long(usage, "total_tokens"),
            usage.TryGetProperty("prompt_tokens_details", out var p) ? Long(p, "cached_tokens") : null,
            usage.TryGetProperty("completion_tokens_details", out var c) ? Long(c, "reasoning_tokens") : null,
            usage.TryGetProperty("cost", out var cost) && cost.ValueKind == JsonValueKind.Number ? cost.GetDouble() : null);
    }

    private static long? Long(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            && v.TryGetInt64(out var n) ? n : null;
}
