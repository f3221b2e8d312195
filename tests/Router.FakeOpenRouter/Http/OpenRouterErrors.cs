using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace OaiRouter.FakeOpenRouter.Http;

/// <summary>Error bodies in OpenRouter's shape: <c>{"error":{"code":..,"message":..,"metadata":{..}}}</c>.</summary>
internal static class OpenRouterErrors
{
    /// <summary>The <c>metadata.error_type</c> OpenRouter would attach to an error with this status.</summary>
    public static string ErrorTypeFor(int status) => status switch
    {
        400 => "invalid_request",
        401 => "authentication",
        402 => "payment_required",
        403 => "invalid_request",
        408 => "timeout",
        413 => "invalid_request",
        429 => "rate_limit_exceeded",
        502 => "provider_unavailable",
        503 => "provider_unavailable",
        524 => "timeout",
        529 => "provider_overloaded",
        >= 500 => "server",
        _ => "unmapped",
    };

    /// <summary>Writes an error response; <paramref name="errorType"/> null leaves out <c>metadata</c>.</summary>
    public static Task WriteAsync(
        HttpContext context,
        int status,
        string message,
        string? errorType = null,
        int? retryAfterSeconds = null)
    {
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        WriteBody(status, message, errorType);
        return ResponseWriting.WriteScratchAsJsonAsync(context.Response, status, context.RequestAborted);
    }

    /// <summary>The upstream error a <c>fake/error-*</c> or <c>fake/flaky-*</c> model answers with.</summary>
    public static Task WriteUpstreamAsync(HttpContext context, int status, int? retryAfterSeconds) =>
        WriteAsync(
            context,
            status,
            "fake upstream error " + status.ToString(CultureInfo.InvariantCulture),
            ErrorTypeFor(status),
            retryAfterSeconds);

    /// <summary>Writes the error object into <see cref="JsonScratch"/> (a whole body).</summary>
    public static void WriteBody(int status, string message, string? errorType)
    {
        var w = JsonScratch.Acquire();
        w.WriteStartObject();
        w.WritePropertyName("error"u8);
        w.WriteStartObject();
        w.WriteNumber("code"u8, status);
        w.WriteString("message"u8, message);
        if (errorType is not null)
        {
            w.WritePropertyName("metadata"u8);
            w.WriteStartObject();
            w.WriteString("error_type"u8, errorType);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }
}
