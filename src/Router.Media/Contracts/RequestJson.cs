using System.Text.Json;

namespace OaiRouter.Media.Contracts;

/// <summary>
/// How every step reads a client's request body: the validator, media detection and the
/// rewrite must accept the same bodies, or a deeply nested one that passed validation would
/// silently lose its media (detection) or fail its rewrite.
/// </summary>
public static class RequestJson
{
    /// <summary>Deeper than System.Text.Json's default of 64: tool schemas nest.</summary>
    public static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };
}
