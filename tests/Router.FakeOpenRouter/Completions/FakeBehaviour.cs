// What the fake does is chosen by the request's model string (the "model" field, else the first entry of
// "models"). The part from "fake/" on is matched by prefix, so "fake/slow-200" and "acme/fake/slow-200" behave
// alike. Anything else gets the default.
//
//   (anything else)                  200 echo: content "echo: <last user message text>" (chat) or
//                                    "echo: <prompt>" (legacy); streamed as 20 content chunks, a finish chunk,
//                                    a usage chunk with choices:[] and data: [DONE].
//   fake/tools                       chat: finish_reason "tool_calls", one call "call_1" to the first tool named
//                                    in the request (else "get_weather") with arguments {"city":"Paris"}; streamed
//                                    as a start chunk plus 3 argument fragments. If the last message has role
//                                    "tool", answers like default with content "tool said: <that content>".
//                                    Legacy /completions: like default.
//   fake/error-<status>              HTTP <status> with an OpenRouter error body (metadata.error_type fitting the
//                                    status); 429 carries Retry-After: 1.
//   fake/error-429-long              HTTP 429 with Retry-After: 120.
//   fake/flaky-<status>x<N>-<any>    the first N requests with this exact model string fail like
//                                    fake/error-<status> (429 with Retry-After: 0), later ones answer like default.
//   fake/error-in-200                HTTP 200 whose body is only {"error":{"code":502,...}} (no choices).
//   fake/stream-error-after-token    streamed: 3 content chunks, then a chunk with "error" and
//                                    finish_reason "error", then the response ends (no usage, no [DONE]).
//   fake/stream-cut                  streamed: 3 content chunks, then the connection is aborted.
//   fake/slow-<ms>                   waits <ms> before answering (non-stream) or before each stream chunk.
//   fake/stall                       sends nothing for up to 5 minutes (then a 408 error).
//   fake/stall-after-token           streamed: 2 content chunks, then nothing for up to 5 minutes (then ends).
//
// The stream-only models answer like default when "stream" is not true, except fake/stall-after-token, which
// stalls like fake/stall. Every wait honours HttpContext.RequestAborted.

using System.Globalization;

namespace OaiRouter.FakeOpenRouter.Completions;

/// <summary>The kinds of answer the fake can give.</summary>
internal enum FakeBehaviourKind
{
    /// <summary>Echo the last user message (or prompt).</summary>
    Echo,

    /// <summary>Call the first tool, or echo the tool result back.</summary>
    Tools,

    /// <summary>Always fail with an HTTP error status.</summary>
    Error,

    /// <summary>Fail the first N requests per exact model string, then echo.</summary>
    Flaky,

    /// <summary>HTTP 200 carrying only an error object.</summary>
    ErrorIn200,

    /// <summary>Stream a few tokens, then an error event.</summary>
    StreamErrorAfterToken,

    /// <summary>Stream a few tokens, then drop the connection.</summary>
    StreamCut,

    /// <summary>Echo, delayed.</summary>
    Slow,

    /// <summary>Send nothing at all for a long time.</summary>
    Stall,

    /// <summary>Stream a few tokens, then send nothing for a long time.</summary>
    StallAfterToken,
}

/// <summary>A parsed behaviour; which fields matter depends on <see cref="Kind"/>.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Status">HTTP status for <see cref="FakeBehaviourKind.Error"/> and <see cref="FakeBehaviourKind.Flaky"/>.</param>
/// <param name="RetryAfterSeconds">Retry-After to send with the error, if any.</param>
/// <param name="FailCount">How many requests a flaky model fails first.</param>
/// <param name="DelayMs">Delay for <see cref="FakeBehaviourKind.Slow"/>.</param>
internal sealed record FakeBehaviour(
    FakeBehaviourKind Kind,
    int Status = 0,
    int? RetryAfterSeconds = null,
    int FailCount = 0,
    int DelayMs = 0)
{
    /// <summary>How long the stall models stay silent.</summary>
    public static readonly TimeSpan StallBound = TimeSpan.FromMinutes(5);

    public static readonly FakeBehaviour Echo = new(FakeBehaviourKind.Echo);

    /// <summary>Maps a model string to its behaviour; unknown <c>fake/</c> names fall back to <see cref="Echo"/>.</summary>
    public static FakeBehaviour Parse(string model)
    {
        var start = model.IndexOf("fake/", StringComparison.Ordinal);
        if (start < 0)
        {
            return Echo;
        }

        var spec = model.AsSpan(start + "fake/".Length);
        if (spec.StartsWith("tools"))
        {
            return new(FakeBehaviourKind.Tools);
        }

        if (spec.StartsWith("error-in-200"))
        {
            return new(FakeBehaviourKind.ErrorIn200);
        }

        if (spec.StartsWith("error-") && TryReadNumber(spec["error-".Length..], out var status, out var rest)
            && IsErrorStatus(status))
        {
            int? retryAfter = status == 429 ? (rest.StartsWith("-long") ? 120 : 1) : null;
            return new(FakeBehaviourKind.Error, Status: status, RetryAfterSeconds: retryAfter);
        }

        if (spec.StartsWith("flaky-") && TryReadNumber(spec["flaky-".Length..], out var flakyStatus, out var afterStatus)
            && IsErrorStatus(flakyStatus) && afterStatus.StartsWith("x")
            && TryReadNumber(afterStatus[1..], out var failCount, out _))
        {
            int? retryAfter = flakyStatus == 429 ? 0 : null;
            return new(FakeBehaviourKind.Flaky, Status: flakyStatus, RetryAfterSeconds: retryAfter, FailCount: failCount);
        }

        if (spec.StartsWith("stream-error-after-token"))
        {
            return new(FakeBehaviourKind.StreamErrorAfterToken);
        }

        if (spec.StartsWith("stream-cut"))
        {
            return new(FakeBehaviourKind.StreamCut);
        }

        if (spec.StartsWith("slow-") && TryReadNumber(spec["slow-".Length..], out var delayMs, out _))
        {
            return new(FakeBehaviourKind.Slow, DelayMs: delayMs);
        }

        if (spec.StartsWith("stall-after-token"))
        {
            return new(FakeBehaviourKind.StallAfterToken);
        }

        if (spec.StartsWith("stall"))
        {
            return new(FakeBehaviourKind.Stall);
        }

        return Echo;
    }

    private static bool IsErrorStatus(int status) => status is >= 400 and <= 599;

    private static bool TryReadNumber(ReadOnlySpan<char> text, out int value, out ReadOnlySpan<char> rest)
    {
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        rest = text[digits..];
        return int.TryParse(text[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
