using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Ledger;
using OaiRouter.Actors.Media;
using OaiRouter.Actors.Metrics;
using OaiRouter.Actors.Requests;

namespace OaiRouter.Actors.Records;

/// <summary>
/// Turns a request and its outcome into the record: ledger events (told, never awaited) and one
/// JSON log line with both bodies. Runs inside request actors, off the response path; every body
/// passes <see cref="RecordedBody"/> (redaction, media references, cap) first.
/// </summary>
public sealed class RequestRecorder(
    SecretRedactor redactor,
    IOptions<RecordOptions> options,
    ActorRegistry registry,
    ILogger<RequestRecorder> log)
{
    private IActorRef? _ledger;

    private IActorRef Ledger
    {
        get
        {
            if (_ledger is null && registry.TryGet<LedgerActor>(out var ledger))
            {
                _ledger = ledger;
            }
            return _ledger ?? ActorRefs.Nobody;
        }
    }

    public SecretRedactor Redactor => redactor;

    public void Received(CompletionRequest request, string? modelRouted = null, string? routingReason = null) =>
        Ledger.Tell(new RequestReceived(request.Id.Value, request.ReceivedAt, request.Endpoint.RoutePath(), request.KeyLabel,
            request.Model, modelRouted ?? request.Model, routingReason ?? (request.ModelDefaulted ? "default text model" : "requested"),
            request.Stream, request.Body.Length, Body(request.Body.Span)));

    /// <summary>Records how a forwarded request ended.</summary>
    /// <param name="result">What upstream said, as the request actor received it.</param>
    /// <param name="media">The request's media facts (<c>media_ms</c>, <c>media_json</c>); null when it carried none.</param>
    public void Finished(CompletionRequest request, RequestOutcome outcome, UpstreamResult? result, DateTimeOffset at,
        MediaRecord? media = null)
    {
        var usage = outcome.UsageJson is not null
            ? UsageFigures.FromUsageJson(outcome.UsageJson)
            : result is UpstreamAnswered answered ? UsageFigures.FromResponseBody(answered.Body) : null;
        var responseBody = result switch
        {
            UpstreamAnswered a => Body(a.Body),
            UpstreamFailed f => Body(RouterErrors.ToJson(f.Error)),
            UpstreamStreamOpened => Body(AssembledStream(outcome)),
            _ => null,
        };
        var (modelAnswered, finishReason) = outcome.ModelAnswered is null && result is UpstreamAnswered body
            ? AnswerFacts(body.Body)
            : (outcome.ModelAnswered, outcome.FinishReason);
        var upstreamMs = outcome.UpstreamTime?.TotalMilliseconds;
        var totalMs = outcome.Total.TotalMilliseconds;
        var mediaMs = media?.TotalMs ?? 0;
        // Links inside media_json can carry tokens (signed URLs): masked like the bodies.
        var mediaJson = media is null ? null : redactor.Redact(media.Json);
        var finished = new RequestFinished(
            request.Id.Value, at, OutcomeName(outcome), outcome.Status, outcome.ErrorType,
            outcome.ErrorMessage is null ? null : redactor.Redact(outcome.ErrorMessage),
            outcome.GenerationId, modelAnswered, finishReason ?? outcome.FinishReason,
            usage?.PromptTokens, usage?.CompletionTokens, usage?.TotalTokens, usage?.CachedTokens, usage?.ReasoningTokens,
            usage?.CostUsd, usage?.CostUsd is null ? null : CostSources.Response,
            totalMs, outcome.UpstreamTimeToHeaders?.TotalMilliseconds,
            Math.Max(0, totalMs - (upstreamMs ?? 0) - mediaMs), mediaMs, outcome.BytesOut, outcome.Attempts, responseBody, mediaJson);
        Ledger.Tell(finished);
        CountUsage(modelAnswered ?? request.Model, usage);
        LogLine(request.Id.Value, request.Endpoint.RoutePath(), request.Model, request.KeyLabel, request.Stream, finished,
            Body(request.Body.Span));
    }

    /// <summary>A request refused before forwarding (bad body, too large, …): recorded with its error.</summary>
    public void Rejected(RequestId id, CompletionEndpoint endpoint, string? keyLabel, ReadOnlySpan<byte> body, RouterError error,
        DateTimeOffset receivedAt, TimeSpan elapsed)
    {
        var requestBody = Body(body);
        Ledger.Tell(new RequestReceived(id.Value, receivedAt, endpoint.RoutePath(), keyLabel, null, null, "rejected",
            false, body.Length, requestBody));
        var finished = new RequestFinished(id.Value, receivedAt + elapsed, RequestFinished.Failed, error.Status, error.Type,
            redactor.Redact(error.Message), null, null, null, null, null, null, null, null, null, null,
            elapsed.TotalMilliseconds, null, elapsed.TotalMilliseconds, 0, 0, 0, Body(RouterErrors.ToJson(error)), null);
        Ledger.Tell(finished);
        LogLine(id.Value, endpoint.RoutePath(), null, keyLabel, false, finished, requestBody);
    }

    private void LogLine(string id, string endpoint, string? model, string? keyLabel, bool stream, RequestFinished f, string requestBody)
    {
        // Scope values become properties of the JSON log line, beside the message's own.
        using (log.BeginScope(new Dictionary<string, object?>
        {
            ["KeyLabel"] = keyLabel,
            ["Stream"] = stream,
            ["ModelAnswered"] = f.ModelAnswered,
            ["UpstreamTtfbMs"] = f.UpstreamTtfbMs,
            ["OverheadMs"] = f.OverheadMs,
            ["Attempts"] = f.Attempts,
            ["PromptTokens"] = f.PromptTokens,
            ["CompletionTokens"] = f.CompletionTokens,
            ["CostUsd"] = f.CostUsd,
            ["ErrorType"] = f.ErrorType,
            ["ErrorMessage"] = f.ErrorMessage,
            ["FinishReason"] = f.FinishReason,
            ["GenerationId"] = f.GenerationId,
            ["RequestBody"] = requestBody,
            ["ResponseBody"] = f.ResponseBody,
            ["MediaMs"] = f.MediaJson is null ? null : f.MediaMs,
            ["MediaJson"] = f.MediaJson,
        }))
        {
            log.LogInformation("Request {RequestId} {Endpoint} model={Model} status={Status} outcome={Outcome} ms={DurationMs:0.0}",
                id, endpoint, model, f.Status, f.Outcome, f.LatencyMs);
        }
    }

    private static void CountUsage(string model, UsageFigures? usage)
    {
        if (usage is null)
        {
            return;
        }
        var label = RouterMetrics.ModelLabel(model);
        Add("prompt", usage.PromptTokens);
        Add("completion", usage.CompletionTokens);
        Add("reasoning", usage.ReasoningTokens);
        Add("cached", usage.CachedTokens);
        if (usage.CostUsd is double cost && cost > 0)
        {
            RouterMetrics.CostUsd.WithLabels(label).Inc(cost);
        }

        void Add(string kind, long? count)
        {
            if (count is > 0)
            {
                RouterMetrics.Tokens.WithLabels(label, kind).Inc(count.Value);
            }
        }
    }

    private string Body(ReadOnlySpan<byte> utf8) => RecordedBody.Prepare(utf8, redactor, options.Value.BodyMaxBytes);

    private static string OutcomeName(RequestOutcome outcome) =>
        outcome.Cancelled ? RequestFinished.Cancelled
        : outcome.Status >= 400 || outcome.ErrorType is not null ? RequestFinished.Failed
        : RequestFinished.Completed;

    private static byte[] AssembledStream(RequestOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "stream.assembled");
            w.WriteString("content", outcome.ResponseText ?? "");
            w.WriteString("finish_reason", outcome.FinishReason);
            if (outcome.UsageJson is not null)
            {
                w.WritePropertyName("usage");
                w.WriteRawValue(outcome.UsageJson, skipInputValidation: false);
            }
            if (outcome.ErrorMessage is not null)
            {
                w.WriteString("error", outcome.ErrorMessage);
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static (string? Model, string? FinishReason) AnswerFacts(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            string? finish = null;
            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("finish_reason", out var fr) && fr.ValueKind == JsonValueKind.String)
            {
                finish = fr.GetString();
            }
            return (model, finish);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
