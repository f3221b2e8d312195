using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace OaiRouter.Actors.Forwarding;

/// <summary>How a relayed stream ended.</summary>
public enum StreamEnd
{
    /// <summary>Upstream sent <c>[DONE]</c>.</summary>
    Completed,
    /// <summary>Upstream sent an error event after the first token; relayed, then the stream was closed.</summary>
    UpstreamError,
    /// <summary>Upstream closed the stream before <c>[DONE]</c>.</summary>
    Cut,
    /// <summary>Upstream went quiet for longer than the stall timeout.</summary>
    Stalled,
    /// <summary>The client went away; the upstream call was cancelled.</summary>
    ClientGone,
}

/// <summary>
/// Copies an SSE stream from upstream to the client event by event, flushing as events arrive.
/// The client always sees the stream end with <c>data: [DONE]</c>.
/// </summary>
public static class StreamRelay
{
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static async Task<StreamEnd> RelayAsync(
        Stream upstream, Stream client, StreamTally tally, TimeSpan idleTimeout, CancellationToken clientAborted)
    {
        var reader = PipeReader.Create(upstream, new StreamPipeReaderOptions(bufferSize: 16 * 1024));
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        try
        {
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                ReadResult read;
                try
                {
                    read = await reader.ReadAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!clientAborted.IsCancellationRequested)
                {
                    return await EndWithErrorAsync(client, tally, StreamEnd.Stalled, 504,
                        $"OpenRouter sent nothing for {idleTimeout.TotalSeconds:0.###} s; the stream was closed.", clientAborted);
                }
                catch (IOException) when (!clientAborted.IsCancellationRequested)
                {
                    return await EndWithErrorAsync(client, tally, StreamEnd.Cut, 502,
                        "OpenRouter closed the stream before it finished.", clientAborted);
                }

                var buffer = read.Buffer;
                var wrote = false;
                while (TryTakeEvent(ref buffer, out var sseEvent))
                {
                    var bytes = sseEvent.IsSingleSegment ? sseEvent.First : sseEvent.ToArray();
                    if (!tally.SawDone)
                    {
                        await client.WriteAsync(bytes, clientAborted);
                        wrote = true;
                    }
                    tally.Observe(bytes.Span.TrimEnd("\r\n"u8));
                }
                if (wrote)
                {
                    await client.FlushAsync(clientAborted);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);

                if (read.IsCompleted || tally.SawDone)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (clientAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            return StreamEnd.ClientGone;
        }
        finally
        {
            await reader.CompleteAsync();
        }

        if (tally.SawDone)
        {
            return tally.ErrorMessage is null ? StreamEnd.Completed : StreamEnd.UpstreamError;
        }
        if (tally.ErrorMessage is not null)
        {
            // OpenRouter ends the stream right after its error event; the client still gets a clean end.
            await WriteAndFlushAsync(client, Done, clientAborted);
            return StreamEnd.UpstreamError;
        }
        return await EndWithErrorAsync(client, tally, StreamEnd.Cut, 502,
            "OpenRouter closed the stream before it finished.", clientAborted);
    }

    /// <summary>Ends the stream the way OpenRouter reports a mid-stream error, then <c>[DONE]</c>.</summary>
    private static async Task<StreamEnd> EndWithErrorAsync(
        Stream client, StreamTally tally, StreamEnd end, int code, string message, CancellationToken ct)
    {
        tally.RecordError(code, message);
        try
        {
            await WriteAndFlushAsync(client, ErrorEvent(tally, code, message), ct);
            await WriteAndFlushAsync(client, Done, ct);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return StreamEnd.ClientGone;
        }
        return end;
    }

    internal static byte[] ErrorEvent(StreamTally tally, int code, string message)
    {
        using var buffer = new MemoryStream(256);
        buffer.Write("data: "u8);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", tally.Id ?? "");
            w.WriteString("object", "chat.completion.chunk");
            w.WriteString("model", tally.Model ?? "");
            w.WriteStartObject("error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("delta");
            w.WriteString("content", "");
            w.WriteEndObject();
            w.WriteString("finish_reason", "error");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.Write("\n\n"u8);
        return buffer.ToArray();
    }

    private static async Task WriteAndFlushAsync(Stream client, byte[] bytes, CancellationToken ct)
    {
        await client.WriteAsync(bytes, ct);
        await client.FlushAsync(ct);
    }

    /// <summary>Cuts one event, blank line included, off the front of the buffer.</summary>
    internal static bool TryTakeEvent(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> sseEvent)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
        {
            // An event ends at an empty line: "\n\n" or "\n\r\n".
            if (reader.IsNext((byte)'\n', advancePast: true) || reader.IsNext("\r\n"u8, advancePast: true))
            {
                sseEvent = buffer.Slice(0, reader.Position);
                buffer = buffer.Slice(reader.Position);
                return true;
            }
        }
        sseEvent = default;
        return false;
    }
}
