using Akka.Actor;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Actors.Requests;

/// <summary>Asked by the HTTP endpoint: run this request through its stages and forward it.</summary>
/// <param name="Aborted">Fires when the client goes away; cancels every stage and the upstream call.</param>
public sealed record HandleCompletion(CompletionRequest Request, CancellationToken Aborted);

/// <summary>Told by a request actor to the forwarder; the result is piped back to the sender.</summary>
public sealed record ForwardCompletion(CompletionRequest Request, CancellationToken Cancellation);

/// <summary>
/// The reply to <see cref="HandleCompletion"/>: what upstream said, who to tell how it ended, and
/// how long the media work took (zero without media), which the router's overhead excludes.
/// </summary>
public sealed record CompletionReady(IActorRef RequestActor, UpstreamResult Result, TimeSpan MediaTime = default);

/// <summary>Told by the endpoint once the response has been written (or the client left).</summary>
public sealed record CompletionFinished(RequestOutcome Outcome);

/// <summary>How one request ended, as the record keeps it.</summary>
public sealed record RequestOutcome(
    int Status,
    string? ErrorType,
    string? ErrorMessage,
    string? GenerationId,
    string? ModelAnswered,
    string? FinishReason,
    string? UsageJson,
    string? ResponseText,
    long BytesOut,
    TimeSpan Total,
    TimeSpan? UpstreamTimeToHeaders,
    TimeSpan? UpstreamTime,
    int Attempts,
    bool Cancelled);
