using System.Buffers;
using System.Net;
using System.Text;

namespace OaiRouter.Actors.Forwarding;

/// <summary>
/// Upstream's chat SSE stream, read as a legacy completion stream: each <c>data:</c> event's JSON goes through
/// <see cref="LegacyAnswerAdapter.ToTextCompletion"/> as it passes; comments and <c>[DONE]</c> are untouched.
/// Reading stays event by event, so the relay still flushes every event as it arrives.
/// </summary>
internal sealed class LegacyStreamContent : HttpContent
{
    private readonly HttpContent _inner;

    public LegacyStreamContent(HttpContent inner)
    {
        _inner = inner;
        foreach (var header in inner.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new LegacySseStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Reads SSE events from <paramref name="inner"/> and hands out each one converted to the legacy shape.</summary>
internal sealed class LegacySseStream(Stream inner) : Stream
{
    private readonly byte[] _readBuffer = new byte[16 * 1024];
    private byte[] _pendingInput = [];
    private byte[] _output = [];
    private int _outputOffset;
    private bool _innerDone;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_outputOffset >= _output.Length)
        {
            if (_innerDone)
            {
                return 0;
            }

            var read = await inner.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _innerDone = true;
                // A last event without its blank line still reaches the client, converted.
                _output = _pendingInput.Length > 0 ? ConvertEvent(_pendingInput) : [];
                _pendingInput = [];
                _outputOffset = 0;
                continue;
            }

            _pendingInput = [.. _pendingInput, .. _readBuffer.AsSpan(0, read)];
            _output = TakeEvents();
            _outputOffset = 0;
        }

        var count = Math.Min(buffer.Length, _output.Length - _outputOffset);
        _output.AsMemory(_outputOffset, count).CopyTo(buffer);
        _outputOffset += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Converts every complete event in the pending input; keeps the incomplete rest for later.</summary>
    private byte[] TakeEvents()
    {
        var incoming = new ReadOnlySequence<byte>(_pendingInput);
        using var output = new MemoryStream();
        while (StreamRelay.TryTakeEvent(ref incoming, out var sseEvent))
        {
            output.Write(ConvertEvent(sseEvent.ToArray()));
        }

        _pendingInput = incoming.ToArray();
        return output.ToArray();
    }

    /// <summary>One event, its <c>data:</c> JSON lines converted, its line ends and blank line kept.</summary>
    internal static byte[] ConvertEvent(byte[] sseEvent)
    {
        var text = Encoding.UTF8.GetString(sseEvent);
        var result = new StringBuilder(text.Length + 32);
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            var lineEnd = end < 0 ? text.Length : end + 1;
            var line = text[start..lineEnd];
            var content = line.TrimEnd('\r', '\n');
            if (content.StartsWith("data:", StringComparison.Ordinal))
            {
                var payload = content[5..].TrimStart(' ');
                if (payload.StartsWith('{'))
                {
                    var converted = Encoding.UTF8.GetString(LegacyAnswerAdapter.ToTextCompletion(Encoding.UTF8.GetBytes(payload)));
                    result.Append("data: ").Append(converted).Append(line[content.Length..]);
                    start = lineEnd;
                    continue;
                }
            }

            result.Append(line);
            start = lineEnd;
        }

        return Encoding.UTF8.GetBytes(result.ToString());
    }
}
