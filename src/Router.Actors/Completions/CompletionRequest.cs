namespace OaiRouter.Actors.Completions;

/// <summary>A validated completion request, ready to forward.</summary>
/// <param name="Body">The bytes sent upstream: the client's body, changed only where the router must.</param>
/// <param name="Model">The model asked for (after defaulting).</param>
/// <param name="ModelDefaulted">True when the client named no model and the default was put in.</param>
/// <param name="KeyLabel">The client key's label (never the key).</param>
public sealed record CompletionRequest(
    RequestId Id,
    CompletionEndpoint Endpoint,
    ReadOnlyMemory<byte> Body,
    string Model,
    bool ModelDefaulted,
    bool Stream,
    string? KeyLabel,
    DateTimeOffset ReceivedAt);
