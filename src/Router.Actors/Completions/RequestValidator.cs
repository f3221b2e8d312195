using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OaiRouter.Actors.Errors;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Actors.Completions;

/// <summary>What the validator found in a body that passed.</summary>
public sealed record ValidatedBody(ReadOnlyMemory<byte> Body, string Model, bool ModelDefaulted, bool Stream);

/// <summary>
/// Checks a completion body without rewriting it: the client's bytes go upstream as they came,
/// except that a missing <c>model</c> is spliced in.
/// </summary>
public static class RequestValidator
{
    public static (ValidatedBody? Body, RouterError? Error) Validate(
        CompletionEndpoint endpoint, ReadOnlyMemory<byte> body, string defaultModel)
    {
        if (body.IsEmpty)
        {
            return (null, RouterErrors.Create(FailureKind.InvalidJson, "The request body is empty; send a JSON object."));
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, RequestJson.Options);
        }
        catch (JsonException ex)
        {
            return (null, RouterErrors.Create(FailureKind.InvalidJson,
                $"The request body is not valid JSON: {ex.Message}"));
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, RouterErrors.Create(FailureKind.InvalidJson, "The request body must be a JSON object."));
            }

            var fieldError = endpoint == CompletionEndpoint.Chat ? CheckMessages(root) : CheckPrompt(root);
            if (fieldError is not null)
            {
                return (null, fieldError);
            }

            var stream = false;
            if (root.TryGetProperty("stream", out var s))
            {
                if (s.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    stream = s.GetBoolean();
                }
                else if (s.ValueKind != JsonValueKind.Null)
                {
                    return (null, Invalid("'stream' must be a boolean.", "stream"));
                }
            }

            if (root.TryGetProperty("model", out var m) && m.ValueKind != JsonValueKind.Null)
            {
                if (m.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(m.GetString()))
                {
                    return (null, Invalid("'model' must be a non-empty string.", "model"));
                }
                return (new ValidatedBody(body, m.GetString()!, false, stream), null);
            }

            // With a 'models' fallback list OpenRouter picks the model itself; the record names the first.
            if (root.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Array
                && models.GetArrayLength() > 0 && models[0].ValueKind == JsonValueKind.String)
            {
                return (new ValidatedBody(body, models[0].GetString()!, false, stream), null);
            }

            return (new ValidatedBody(InsertModel(body, defaultModel), defaultModel, true, stream), null);
        }
    }

    private static RouterError? CheckMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages))
        {
            return Invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return Invalid("'messages' must be a non-empty array.", "messages");
        }
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                return Invalid($"'messages[{i}]' must be an object with a string 'role'.", $"messages[{i}]");
            }
            i++;
        }
        return null;
    }

    private static RouterError? CheckPrompt(JsonElement root)
    {
        if (!root.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.Null)
        {
            return Invalid("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
        }
        return prompt.ValueKind is JsonValueKind.String or JsonValueKind.Array
            ? null
            : Invalid("'prompt' must be a string or an array.", "prompt");
    }

    private static RouterError Invalid(string message, string param, string? code = null) =>
        RouterErrors.Create(FailureKind.InvalidRequest, message, param, code);

    /// <summary>Splices <c>"model":"…",</c> right after the opening brace; the rest stays byte for byte.</summary>
    internal static byte[] InsertModel(ReadOnlyMemory<byte> body, string model)
    {
        var span = body.Span;
        var brace = span.IndexOf((byte)'{');
        var rest = span[(brace + 1)..];
        var restIsEmpty = rest.TrimStart(" \t\r\n"u8).StartsWith("}"u8);
        var field = Encoding.UTF8.GetBytes(
            "\"model\":" + JsonSerializer.Serialize(model, EscapeOptions) + (restIsEmpty ? "" : ","));
        var result = new byte[span.Length + field.Length];
        span[..(brace + 1)].CopyTo(result);
        field.CopyTo(result, brace + 1);
        rest.CopyTo(result.AsSpan(brace + 1 + field.Length));
        return result;
    }

    private static readonly JsonSerializerOptions EscapeOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
