using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OaiRouter.FakeOpenRouter.Http;

/// <summary>
/// A per-thread buffer and <see cref="Utf8JsonWriter"/> reused for every response body, so the hot path
/// allocates neither. Use it synchronously: acquire, write, copy into the response, and only then await.
/// </summary>
internal sealed class JsonScratch
{
    [ThreadStatic]
    private static JsonScratch? t_current;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    private JsonScratch()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true, Encoder = Encoder });
    }

    /// <summary>
    /// Escapes only what JSON requires (quotes stay <c>"</c>, non-ASCII stays UTF-8), as real upstreams do;
    /// the default encoder would turn <c>"</c> into <c>"</c>.
    /// </summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The writer, reset to an empty buffer.</summary>
    public static Utf8JsonWriter Acquire()
    {
        var scratch = t_current ??= new JsonScratch();
        scratch._buffer.ResetWrittenCount();
        scratch._writer.Reset(scratch._buffer);
        return scratch._writer;
    }

    /// <summary>Flushes the writer acquired on this thread and returns what it wrote.</summary>
    public static ReadOnlySpan<byte> Written()
    {
        var scratch = t_current ?? throw new InvalidOperationException("JsonScratch.Acquire was not called on this thread.");
        scratch._writer.Flush();
        return scratch._buffer.WrittenSpan;
    }
}
