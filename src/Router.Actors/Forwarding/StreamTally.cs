using System.Text;
using System.Text.Json;

namespace OaiRouter.Actors.Forwarding;

/// <summary>
/// What a relayed stream said, read from its events as they pass: ids, the assembled text,
/// the finish reason, the usage of the last chunk and any error event.
/// </summary>
public sealed class StreamTally
{
    private readonly StringBuilder _content = new();

    public int Events { get; private set; }
    public bool SawDone { get; private set; }
    public string? Id { get; private set; }
    public string? Model { get; private set; }
    public string? FinishReason { get; private set; }
    /// <summary>The raw JSON of the <c>usage</c> object, as upstream sent it.</summary>
    public string? UsageJson { get; private set; }
    public string? ErrorMessage { get; private set; }
    public int? ErrorCode { get; private set; }
    public string Content => _content.ToString();

    /// <summary>Reads one SSE event (its lines, without the blank line that ends it).</summary>
    public void Observe(ReadOnlySpan<byte> sseEvent)
    {
        Events++;
        foreach (var range in sseEvent.Split((byte)'\n'))
        {
            var line = sseEvent[range].TrimEnd((byte)'\r');
            if (!line.StartsWith("data:"u8))
            {
                continue; // comments (": OPENROUTER PROCESSING") and other fields
            }
            var payload = line[5..].TrimStart((byte)' ');
            if (payload.SequenceEqual("[DONE]"u8))
            {
                SawDone = true;
                continue;
            }
            ObserveChunk(payload);
        }
    }

    /// <summary>Marks an error the router itself added to the stream.</summary>
    public void RecordError(int code, string message)
    {
        ErrorCode = code;
        ErrorMessage = message;
        FinishReason ??= "error";
    }

    private void ObserveChunk(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            if (Id is null && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                Id = id.GetString();
            }
            if (Model is null && root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
            {
                Model = model.GetString();
            }
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
            {
                UsageJson = usage.GetRawText();
            }
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                ErrorMessage = error.TryGetProperty("message", out var m) ? m.ToString() : "stream error";
                ErrorCode = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            }
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    ObserveChoice(choice);
                }
            }
        }
        catch (JsonException)
        {
            // A chunk the router cannot read is still relayed; it just adds nothing to the record.
        }
    }

    private void ObserveChoice(JsonElement choice)
    {
        if (choice.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number && index.GetInt32() != 0)
        {
            return; // the record keeps the first choice
        }
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
            && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            _content.Append(content.GetString());
        }
        else if (choice.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
        {
            _content.Append(text.GetString());
        }
        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            FinishReason = finish.GetString();
        }
    }
}
