using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OaiRouter.Actors.Forwarding;

/// <summary>
/// A legacy <c>/v1/completions</c> request whose prompt carried media goes upstream as a chat request; this turns
/// the chat answer back into what the client asked for: <c>text_completion</c> objects whose choices have
/// <c>text</c>, as JSON or as an SSE stream. Everything else upstream sent (id, model, usage, provider, errors)
/// is kept.
/// </summary>
public static class LegacyAnswerAdapter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The same result, answering in the legacy shape. Errors pass through unchanged.</summary>
    public static UpstreamResult Adapt(UpstreamResult result)
    {
        switch (result)
        {
            case UpstreamAnswered answered:
                return answered with { Body = ToTextCompletion(answered.Body) };
            case UpstreamStreamOpened opened:
                opened.Response.Content = new LegacyStreamContent(opened.Response.Content);
                return opened;
            default:
                return result;
        }
    }

    /// <summary>A chat completion (or one stream chunk of it) as a <c>text_completion</c>; bytes that are not a JSON object come back as they are.</summary>
    public static byte[] ToTextCompletion(ReadOnlySpan<byte> chatJson)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(chatJson) as JsonObject;
        }
        catch (JsonException)
        {
            root = null;
        }

        if (root is null)
        {
            return chatJson.ToArray();
        }

        if (root.ContainsKey("object") || root.ContainsKey("choices"))
        {
            root["object"] = "text_completion";
        }

        if (root["choices"] is JsonArray choices)
        {
            var converted = new JsonArray();
            foreach (var choice in choices)
            {
                converted.Add(choice is JsonObject c ? ToTextChoice(c) : choice?.DeepClone());
            }

            root["choices"] = converted;
        }

        using var buffer = new MemoryStream(chatJson.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            root.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    private static JsonObject ToTextChoice(JsonObject choice)
    {
        // A whole answer has "message", a stream chunk "delta"; either way the text is its content.
        var source = choice["message"] as JsonObject ?? choice["delta"] as JsonObject;
        var text = source?["content"] is JsonValue content && content.TryGetValue<string>(out var s) ? s : "";
        var legacy = new JsonObject
        {
            ["text"] = text,
            ["index"] = choice["index"]?.DeepClone() ?? 0,
            ["logprobs"] = null,
            ["finish_reason"] = choice["finish_reason"]?.DeepClone(),
        };
        foreach (var (name, value) in choice)
        {
            // Anything else upstream put on the choice (native_finish_reason, error, …) stays.
            if (name is not ("message" or "delta" or "text" or "index" or "logprobs" or "finish_reason"))
            {
                legacy[name] = value?.DeepClone();
            }
        }

        return legacy;
    }
}
