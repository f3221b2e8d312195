using System.Text.Json;

namespace OaiRouter.Host.Tests.Support;

/// <summary>Reads raw SSE bytes the way a strict client would.</summary>
internal static class Sse
{
    public static IReadOnlyList<string> DataPayloads(string raw) =>
        [.. raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(e => e.Split('\n'))
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => l["data: ".Length..])];

    public static IReadOnlyList<JsonElement> Chunks(string raw) =>
        [.. DataPayloads(raw).Where(p => p != "[DONE]").Select(p => JsonDocument.Parse(p).RootElement)];
}
