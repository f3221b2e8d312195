using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace OaiRouter.FakeOpenRouter.Completions;

/// <summary>The few request fields the fake's behaviours look at.</summary>
/// <param name="Model">The <c>model</c> field, else the first entry of <c>models</c>.</param>
/// <param name="Stream">Whether <c>stream</c> is <c>true</c>.</param>
/// <param name="EchoText">Text of the last user message (chat) or the prompt (legacy).</param>
/// <param name="LastRole">Role of the last message, if any.</param>
/// <param name="LastText">Text of the last message, if any.</param>
/// <param name="FirstToolName">Function name of the first entry in <c>tools</c>, if any.</param>
internal sealed record CompletionRequest(
    string Model,
    bool Stream,
    string EchoText,
    string? LastRole,
    string? LastText,
    string? FirstToolName);

/// <summary>The body as read: the raw text (if kept), and the parsed request or why it could not be parsed.</summary>
internal readonly record struct ReadBody(string Raw, CompletionRequest? Request, string? Problem);

/// <summary>Reads a completion request body straight from the request pipe.</summary>
internal static class CompletionRequestReader
{
    public static async Task<ReadBody> ReadAsync(PipeReader reader, bool legacy, bool keepRaw, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            if (!result.IsCompleted)
            {
                // Keep everything buffered until the body is complete, then parse it in one go.
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }

            try
            {
                return Parse(result.Buffer, legacy, keepRaw);
            }
            finally
            {
                reader.AdvanceTo(result.Buffer.End);
            }
        }
    }

    private static ReadBody Parse(ReadOnlySequence<byte> body, bool legacy, bool keepRaw)
    {
        var raw = keepRaw ? Encoding.UTF8.GetString(body) : string.Empty;
        if (body.IsEmpty)
        {
            return new ReadBody(raw, null, "Request body is empty");
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ReadBody(raw, null, "Request body must be a JSON object");
            }

            var model = ReadModel(root);
            if (string.IsNullOrEmpty(model))
            {
                return new ReadBody(raw, null, "No model specified");
            }

            var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
            return new ReadBody(raw, legacy ? ReadLegacy(root, model, stream) : ReadChat(root, model, stream), null);
        }
        catch (JsonException ex)
        {
            return new ReadBody(raw, null, "Invalid JSON body: " + ex.Message);
        }
    }

    private static string? ReadModel(JsonElement root)
    {
        if (root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String)
        {
            return model.GetString();
        }

        if (root.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in models.EnumerateArray())
            {
                return entry.ValueKind == JsonValueKind.String ? entry.GetString() : null;
            }
        }

        return null;
    }

    private static CompletionRequest ReadLegacy(JsonElement root, string model, bool stream)
    {
        var prompt = string.Empty;
        if (root.TryGetProperty("prompt", out var p))
        {
            var first = p;
            if (p.ValueKind == JsonValueKind.Array)
            {
                using var items = p.EnumerateArray();
                first = items.MoveNext() ? items.Current : default;
            }

            prompt = first.ValueKind switch
            {
                JsonValueKind.String => first.GetString() ?? string.Empty,
                JsonValueKind.Undefined or JsonValueKind.Null => string.Empty,
                _ => first.GetRawText(), // token arrays
            };
        }

        return new CompletionRequest(model, stream, prompt, null, null, null);
    }

    private static CompletionRequest ReadChat(JsonElement root, string model, bool stream)
    {
        string lastUserText = string.Empty;
        string? lastRole = null;
        string? lastText = null;
        if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                lastRole = message.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String
                    ? role.GetString()
                    : null;
                lastText = message.TryGetProperty("content", out var content) ? TextOf(content) : string.Empty;
                if (lastRole == "user")
                {
                    lastUserText = lastText;
                }
            }
        }

        return new CompletionRequest(model, stream, lastUserText, lastRole, lastText, FirstToolName(root));
    }

    /// <summary>A string content as is; an array of parts as its text parts joined.</summary>
    private static string TextOf(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? string.Empty;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("type", out var type) && type.ValueEquals("text")
                && part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
            {
                text.Append(value.GetString());
            }
        }

        return text.ToString();
    }

    private static string? FirstToolName(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object
                && tool.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                return name.GetString();
            }

            return null;
        }

        return null;
    }
}
