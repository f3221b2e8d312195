namespace OaiRouter.Actors.Errors;

/// <summary>Every way a request can fail, mapped to a status and an OpenAI error type in <see cref="RouterErrors"/>.</summary>
public enum FailureKind
{
    /// <summary>The body is not valid JSON or not a JSON object.</summary>
    InvalidJson,
    /// <summary>A required field is missing or has the wrong type.</summary>
    InvalidRequest,
    /// <summary>The request's content type is not application/json.</summary>
    UnsupportedMediaType,
    /// <summary>The body is over the configured cap.</summary>
    BodyTooLarge,
    /// <summary>The client's key is missing or unknown.</summary>
    Unauthorized,
    /// <summary>No route matches the path.</summary>
    NotFound,
    /// <summary>The router has no OpenRouter key configured.</summary>
    UpstreamNotConfigured,
    /// <summary>OpenRouter answered with an error (status kept).</summary>
    Upstream,
    /// <summary>OpenRouter could not be reached.</summary>
    UpstreamUnreachable,
    /// <summary>OpenRouter did not answer in time.</summary>
    UpstreamTimeout,
    /// <summary>The router itself failed.</summary>
    Internal,
    /// <summary>A media link could not be used (refused, too large, not an image, unreachable, …); the code says which.</summary>
    Media,
    /// <summary>A media stage's queue is full; the client should retry after <c>Retry-After</c>.</summary>
    MediaBusy,
}
