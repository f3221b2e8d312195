using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace OaiRouter.FakeOpenRouter.Http;

/// <summary>Copies finished bodies into the response pipe; nothing here buffers beyond one event.</summary>
internal static class ResponseWriting
{
    /// <summary>Sends what <see cref="JsonScratch"/> holds as a complete JSON response with a Content-Length.</summary>
    public static async Task WriteScratchAsJsonAsync(HttpResponse response, int status, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        CopyScratch(response);
        await response.BodyWriter.FlushAsync(ct);
    }

    /// <summary>Sends fixed bytes as a complete JSON response.</summary>
    public static async Task WriteJsonAsync(HttpResponse response, int status, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.BodyWriter.WriteAsync(body, ct);
    }

    /// <summary>Starts an SSE response; headers leave with the first flush.</summary>
    public static void StartEventStream(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
    }

    /// <summary>Writes <c>data: &lt;scratch json&gt;\n\n</c> and flushes it on its own.</summary>
    public static async Task WriteScratchAsEventAsync(HttpResponse response, CancellationToken ct)
    {
        WriteEvent(response.BodyWriter, JsonScratch.Written());
        await FlushAsync(response, ct);
    }

    /// <summary>Writes raw SSE text (a comment or <c>data: [DONE]</c>) and flushes it.</summary>
    public static async Task WriteRawEventAsync(HttpResponse response, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        response.BodyWriter.Write(bytes.Span);
        await FlushAsync(response, ct);
    }

    private static void CopyScratch(HttpResponse response)
    {
        var body = JsonScratch.Written();
        response.ContentLength = body.Length;
        response.BodyWriter.Write(body);
    }

    private static void WriteEvent(PipeWriter writer, ReadOnlySpan<byte> json)
    {
        writer.Write("data: "u8);
        writer.Write(json);
        writer.Write("\n\n"u8);
    }

    private static async Task FlushAsync(HttpResponse response, CancellationToken ct)
    {
        await response.BodyWriter.FlushAsync(ct);
        // Kestrel swallows writes to a closed connection; surface the abort so the caller counts it.
        ct.ThrowIfCancellationRequested();
    }
}
