using System.Text.Json;
using OaiRouter.FakeOpenRouter.Http;

namespace OaiRouter.FakeOpenRouter.Completions;

/// <summary>Writes completion bodies and stream chunks into <see cref="JsonScratch"/>.</summary>
internal static class CompletionJson
{
    /// <summary>The arguments of the fake tool call, and how they are split across stream chunks.</summary>
    public const string ToolArguments = """{"city":"Paris"}""";

    public static readonly string[] ToolArgumentFragments = ["{\"city\":", "\"Paris\"", "}"];

    // Constant for every generation, so serialised once.
    private static readonly byte[] s_usage =
        """{"prompt_tokens":11,"completion_tokens":7,"total_tokens":18,"prompt_tokens_details":{"cached_tokens":2},"completion_tokens_details":{"reasoning_tokens":1},"cost":0.00042,"is_byok":false}"""u8
            .ToArray();

    /// <summary>A whole non-streamed answer with assistant text.</summary>
    public static void WriteCompletion(in Generation g, string content)
    {
        var w = StartObject(g, chunk: false);
        w.WritePropertyName("choices"u8);
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        if (g.Legacy)
        {
            w.WriteString("text"u8, content);
        }
        else
        {
            w.WritePropertyName("message"u8);
            w.WriteStartObject();
            w.WriteString("role"u8, "assistant"u8);
            w.WriteString("content"u8, content);
            w.WriteNull("refusal"u8);
            w.WriteNull("reasoning"u8);
            w.WriteEndObject();
        }

        w.WriteNull("logprobs"u8);
        w.WriteString("finish_reason"u8, "stop"u8);
        w.WriteString("native_finish_reason"u8, "stop"u8);
        w.WriteEndObject();
        w.WriteEndArray();
        EndWithUsage(w);
    }

    /// <summary>A whole non-streamed chat answer that calls one tool.</summary>
    public static void WriteToolCallCompletion(in Generation g, string toolName)
    {
        var w = StartObject(g, chunk: false);
        w.WritePropertyName("choices"u8);
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WritePropertyName("message"u8);
        w.WriteStartObject();
        w.WriteString("role"u8, "assistant"u8);
        w.WriteNull("content"u8);
        w.WriteNull("refusal"u8);
        w.WriteNull("reasoning"u8);
        w.WritePropertyName("tool_calls"u8);
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteString("id"u8, "call_1"u8);
        w.WriteString("type"u8, "function"u8);
        w.WritePropertyName("function"u8);
        w.WriteStartObject();
        w.WriteString("name"u8, toolName);
        w.WriteString("arguments"u8, ToolArguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        w.WriteString("finish_reason"u8, "tool_calls"u8);
        w.WriteString("native_finish_reason"u8, "tool_calls"u8);
        w.WriteEndObject();
        w.WriteEndArray();
        EndWithUsage(w);
    }

    /// <summary>A content chunk; the first chat chunk also carries the role.</summary>
    public static void WriteContentChunk(in Generation g, string piece, bool first)
    {
        var w = StartChunkChoice(g);
        if (g.Legacy)
        {
            w.WriteString("text"u8, piece);
        }
        else
        {
            w.WritePropertyName("delta"u8);
            w.WriteStartObject();
            if (first)
            {
                w.WriteString("role"u8, "assistant"u8);
            }

            w.WriteString("content"u8, piece);
            w.WriteEndObject();
        }

        w.WriteNull("finish_reason"u8);
        w.WriteNull("native_finish_reason"u8);
        w.WriteNull("logprobs"u8);
        EndChunkChoice(w);
    }

    /// <summary>The chunk that closes the choice with a finish reason.</summary>
    public static void WriteFinishChunk(in Generation g, string finishReason)
    {
        var w = StartChunkChoice(g);
        if (g.Legacy)
        {
            w.WriteString("text"u8, ""u8);
        }
        else
        {
            w.WritePropertyName("delta"u8);
            w.WriteStartObject();
            w.WriteString("content"u8, ""u8);
            w.WriteEndObject();
        }

        w.WriteString("finish_reason"u8, finishReason);
        w.WriteString("native_finish_reason"u8, finishReason);
        w.WriteNull("logprobs"u8);
        EndChunkChoice(w);
    }

    /// <summary>The last chunk before [DONE]: no choices, the usage.</summary>
    public static void WriteUsageChunk(in Generation g)
    {
        var w = StartObject(g, chunk: true);
        w.WritePropertyName("choices"u8);
        w.WriteStartArray();
        w.WriteEndArray();
        EndWithUsage(w);
    }

    /// <summary>First tool-call chunk: id, type, name and empty arguments.</summary>
    public static void WriteToolCallStartChunk(in Generation g, string toolName)
    {
        var w = StartChunkChoice(g);
        w.WritePropertyName("delta"u8);
        w.WriteStartObject();
        w.WriteString("role"u8, "assistant"u8);
        w.WriteNull("content"u8);
        w.WritePropertyName("tool_calls"u8);
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WriteString("id"u8, "call_1"u8);
        w.WriteString("type"u8, "function"u8);
        w.WritePropertyName("function"u8);
        w.WriteStartObject();
        w.WriteString("name"u8, toolName);
        w.WriteString("arguments"u8, ""u8);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("finish_reason"u8);
        w.WriteNull("native_finish_reason"u8);
        w.WriteNull("logprobs"u8);
        EndChunkChoice(w);
    }

    /// <summary>A tool-call chunk with only the index and an arguments fragment.</summary>
    public static void WriteToolArgumentsChunk(in Generation g, string fragment)
    {
        var w = StartChunkChoice(g);
        w.WritePropertyName("delta"u8);
        w.WriteStartObject();
        w.WritePropertyName("tool_calls"u8);
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WritePropertyName("function"u8);
        w.WriteStartObject();
        w.WriteString("arguments"u8, fragment);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNull("finish_reason"u8);
        w.WriteNull("native_finish_reason"u8);
        w.WriteNull("logprobs"u8);
        EndChunkChoice(w);
    }

    /// <summary>The event OpenRouter sends when the provider fails after the first token.</summary>
    public static void WriteMidStreamErrorChunk(in Generation g)
    {
        var w = JsonScratch.Acquire();
        w.WriteStartObject();
        w.WriteString("id"u8, g.Id);
        w.WriteString("object"u8, g.Legacy ? "text_completion"u8 : "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, g.Created);
        w.WriteString("model"u8, g.Model);
        w.WritePropertyName("error"u8);
        w.WriteStartObject();
        w.WriteNumber("code"u8, 502);
        w.WriteString("message"u8, "provider disconnected"u8);
        w.WriteEndObject();
        w.WritePropertyName("choices"u8);
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        if (g.Legacy)
        {
            w.WriteString("text"u8, ""u8);
        }
        else
        {
            w.WritePropertyName("delta"u8);
            w.WriteStartObject();
            w.WriteString("content"u8, ""u8);
            w.WriteEndObject();
        }

        w.WriteString("finish_reason"u8, "error"u8);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The non-streamed HTTP 200 that carries only an error.</summary>
    public static void WriteErrorIn200Body() =>
        OpenRouterErrors.WriteBody(502, "provider returned error", "provider_unavailable");

    private static Utf8JsonWriter StartObject(in Generation g, bool chunk)
    {
        var w = JsonScratch.Acquire();
        w.WriteStartObject();
        w.WriteString("id"u8, g.Id);
        w.WriteString("provider"u8, "Fake"u8);
        w.WriteString("model"u8, g.Model);
        w.WriteString(
            "object"u8,
            g.Legacy ? "text_completion"u8 : chunk ? "chat.completion.chunk"u8 : "chat.completion"u8);
        w.WriteNumber("created"u8, g.Created);
        w.WriteString("system_fingerprint"u8, "fp_fake"u8);
        return w;
    }

    private static Utf8JsonWriter StartChunkChoice(in Generation g)
    {
        var w = StartObject(g, chunk: true);
        w.WritePropertyName("choices"u8);
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        return w;
    }

    private static void EndChunkChoice(Utf8JsonWriter w)
    {
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void EndWithUsage(Utf8JsonWriter w)
    {
        w.WritePropertyName("usage"u8);
        w.WriteRawValue(s_usage, skipInputValidation: true);
        w.WriteEndObject();
    }
}

/// <summary>The identity every body of one generation repeats.</summary>
/// <param name="Id">The <c>gen-…</c> id, also sent as <c>X-Generation-Id</c>.</param>
/// <param name="Model">The requested model, JSON-encoded once.</param>
/// <param name="Created">Unix seconds.</param>
/// <param name="Legacy">True for <c>/completions</c> (text_completion shapes).</param>
internal readonly record struct Generation(string Id, JsonEncodedText Model, long Created, bool Legacy);
