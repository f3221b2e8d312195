using System.Text.Json;

namespace OaiRouter.Actors.Errors;

/// <summary>The one place where failures become statuses and OpenAI-shaped bodies.</summary>
public static class RouterErrors
{
    public static RouterError Create(FailureKind kind, string message, string? param = null, string? code = null) => kind switch
    {
        FailureKind.InvalidJson => new(kind, 400, message, "invalid_request_error", param, code ?? "invalid_json"),
        FailureKind.InvalidRequest => new(kind, 400, message, "invalid_request_error", param, code),
        FailureKind.UnsupportedMediaType => new(kind, 415, message, "invalid_request_error", param, code ?? "unsupported_media_type"),
        FailureKind.BodyTooLarge => new(kind, 413, message, "invalid_request_error", param, code ?? "request_too_large"),
        FailureKind.Unauthorized => new(kind, 401, message, "authentication_error", param, code ?? "invalid_api_key"),
        FailureKind.NotFound => new(kind, 404, message, "invalid_request_error", param, code ?? "unknown_url"),
        FailureKind.UpstreamNotConfigured => new(kind, 503, message, "server_error", param, code ?? "upstream_not_configured"),
        FailureKind.UpstreamUnreachable => new(kind, 502, message, "server_error", param, code ?? "upstream_unreachable"),
        FailureKind.UpstreamTimeout => new(kind, 504, message, "server_error", param, code ?? "upstream_timeout"),
        FailureKind.Internal => new(kind, 500, message, "server_error", param, code ?? "internal_error"),
        FailureKind.Media => new(kind, 400, message, "invalid_request_error", param, code ?? "media_fetch_failed"),
        FailureKind.MediaBusy => new(kind, 503, message, "server_error", param, code ?? "media_busy"),
        _ => new(kind, 502, message, "server_error", param, code),
    };

    /// <summary>OpenAI's error type for an upstream status, so SDKs raise the matching exception.</summary>
    public static string TypeForStatus(int status) => status switch
    {
        400 or 413 or 422 => "invalid_request_error",
        401 => "authentication_error",
        402 => "insufficient_quota",
        403 => "permission_error",
        404 => "not_found_error",
        408 => "timeout_error",
        429 => "rate_limit_error",
        _ => status >= 500 ? "server_error" : "invalid_request_error",
    };

    /// <summary>
    /// Maps an OpenRouter error body (<c>{"error":{"code":int,"message":..,"metadata":{"error_type":..}}}</c>)
    /// to the OpenAI shape. The status is kept; a 200 carrying an error takes the error's own code.
    /// </summary>
    public static RouterError FromUpstream(int httpStatus, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        string? message = null;
        string? code = null;
        int? innerCode = null;
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString();
                }
                else if (error.ValueKind == JsonValueKind.Object)
                {
                    if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    {
                        message = m.GetString();
                    }
                    if (error.TryGetProperty("code", out var c))
                    {
                        if (c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n))
                        {
                            innerCode = n;
                        }
                        else if (c.ValueKind == JsonValueKind.String)
                        {
                            code = c.GetString();
                        }
                    }
                    if (error.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
                        && meta.TryGetProperty("error_type", out var et) && et.ValueKind == JsonValueKind.String)
                    {
                        code = et.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): the status alone has to speak.
        }

        var status = httpStatus is >= 400 and <= 599
            ? httpStatus
            : innerCode is >= 400 and <= 599 ? innerCode.Value : 502;
        message ??= $"OpenRouter answered with status {status}.";
        return new RouterError(FailureKind.Upstream, status, message, TypeForStatus(status), null, code, retryAfter);
    }

    /// <summary>The OpenAI error body, all four keys present.</summary>
    public static byte[] ToJson(RouterError error)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", error.Message);
            w.WriteString("type", error.Type);
            WriteNullable(w, "param", error.Param);
            WriteNullable(w, "code", error.Code);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    // Messages quote parameter names; keep them readable ('messages', not \u0027messages\u0027).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
