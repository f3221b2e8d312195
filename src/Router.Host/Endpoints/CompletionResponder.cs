using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Requests;
using OaiRouter.Host.Errors;

namespace OaiRouter.Host.Endpoints;

/// <summary>Writes what upstream said to the client: an error, a JSON answer, or a relayed stream.</summary>
internal static class CompletionResponder
{
    public const string OverheadHeader = "X-Router-Overhead-Ms";

    /// <param name="mediaTime">Time spent on media before forwarding; like upstream time, not the router's overhead.</param>
    public static async Task<RequestOutcome> WriteAsync(
        HttpContext context, UpstreamResult result, TimeSpan streamIdleTimeout, long startedAt, TimeProvider time, TimeSpan mediaTime)
    {
        switch (result)
        {
            case UpstreamFailed failed:
                SetOverhead(context, time.GetElapsedTime(startedAt) - mediaTime - failed.TimeToHeaders);
                await ErrorResponses.WriteAsync(context, failed.Error);
                return Outcome(context, failed, failed.Error.Status, failed.Error.Type, failed.Error.Message,
                    null, null, null, null, startedAt, time, upstreamTime: failed.TimeToHeaders);

            case UpstreamAnswered answered:
                var response = context.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = answered.ContentType ?? "application/json";
                response.ContentLength = answered.Body.Length;
                if (answered.GenerationId is not null)
                {
                    response.Headers["X-Generation-Id"] = answered.GenerationId;
                }
                SetOverhead(context, time.GetElapsedTime(startedAt) - mediaTime - answered.UpstreamElapsed);
                var gone = false;
                try
                {
                    await response.Body.WriteAsync(answered.Body, context.RequestAborted);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    gone = true;
                }
                return Outcome(context, answered, 200, null, null, answered.GenerationId, null, null, null, startedAt, time, gone,
                    answered.Body.Length, upstreamTime: answered.UpstreamElapsed);

            case UpstreamStreamOpened opened:
                using (opened.Response)
                {
                    return await RelayStreamAsync(context, opened, streamIdleTimeout, startedAt, time, mediaTime);
                }

            default:
                throw new InvalidOperationException($"Unknown upstream result {result.GetType().Name}.");
        }
    }

    private static async Task<RequestOutcome> RelayStreamAsync(
        HttpContext context, UpstreamStreamOpened opened, TimeSpan idleTimeout, long startedAt, TimeProvider time, TimeSpan mediaTime)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        if (opened.GenerationId is not null)
        {
            response.Headers["X-Generation-Id"] = opened.GenerationId;
        }
        // For a stream only the router's time before the first byte is known when headers leave.
        SetOverhead(context, time.GetElapsedTime(startedAt) - mediaTime - opened.TimeToHeaders);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var tally = new StreamTally();
        var counting = new CountingStream(response.Body);
        var relayStarted = time.GetTimestamp();
        await using var upstream = await opened.Response.Content.ReadAsStreamAsync(context.RequestAborted);
        var end = await StreamRelay.RelayAsync(upstream, counting, tally, idleTimeout, context.RequestAborted);
        var failed = end is not (StreamEnd.Completed or StreamEnd.ClientGone);
        return Outcome(context, opened, 200,
            failed ? "stream_" + end.ToString().ToLowerInvariant() : null,
            tally.ErrorMessage, tally.Id ?? opened.GenerationId, tally.Model, tally.FinishReason, tally.UsageJson, startedAt, time,
            end == StreamEnd.ClientGone, counting.Written, tally.Content,
            upstreamTime: opened.TimeToHeaders + time.GetElapsedTime(relayStarted));
    }

    private static void SetOverhead(HttpContext context, TimeSpan overhead) =>
        context.Response.Headers[OverheadHeader] =
            Math.Max(0, overhead.TotalMilliseconds).ToString("0.###", CultureInfo.InvariantCulture);

    private static RequestOutcome Outcome(
        HttpContext context, UpstreamResult result, int status, string? errorType, string? errorMessage,
        string? generationId, string? model, string? finishReason, string? usage, long startedAt, TimeProvider time,
        bool cancelled = false, long bytesOut = 0, string? text = null, TimeSpan? upstreamTime = null) =>
        new(status, errorType, errorMessage, generationId, model, finishReason, usage, text, bytesOut,
            time.GetElapsedTime(startedAt), result.Attempts > 0 ? result.TimeToHeaders : null, upstreamTime, result.Attempts,
            cancelled || context.RequestAborted.IsCancellationRequested);
}
