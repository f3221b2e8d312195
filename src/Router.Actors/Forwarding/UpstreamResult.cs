using OaiRouter.Actors.Errors;

namespace OaiRouter.Actors.Forwarding;

/// <summary>What came back from OpenRouter before anything was sent to the client.</summary>
public abstract record UpstreamResult(int Attempts, TimeSpan TimeToHeaders);

/// <summary>A complete non-streamed answer (status 200, no error inside).</summary>
/// <param name="UpstreamElapsed">From the first attempt's start to the last byte of the answer.</param>
public sealed record UpstreamAnswered(
    byte[] Body, string? ContentType, string? GenerationId, int Attempts, TimeSpan TimeToHeaders, TimeSpan UpstreamElapsed)
    : UpstreamResult(Attempts, TimeToHeaders);

/// <summary>A stream that answered 200; the caller relays it and must dispose it.</summary>
public sealed record UpstreamStreamOpened(HttpResponseMessage Response, string? GenerationId, int Attempts, TimeSpan TimeToHeaders)
    : UpstreamResult(Attempts, TimeToHeaders);

/// <summary>An error to send back as it is.</summary>
public sealed record UpstreamFailed(RouterError Error, int Attempts, TimeSpan TimeToHeaders)
    : UpstreamResult(Attempts, TimeToHeaders);
