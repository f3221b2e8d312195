namespace OaiRouter.Actors.Forwarding;

/// <summary>How the router talks to OpenRouter. Bound from the seed's environment names in Router.Host.</summary>
public sealed class OpenRouterOptions
{
    public const string Section = "OpenRouter";

    /// <summary><c>OPENROUTER_API_KEY</c>; empty means /v1 calls are refused until it is set.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>OPENROUTER_BASE_URL</c>.</summary>
    public string BaseUrl { get; set; } = "https://openrouter.ai/api/v1";

    /// <summary><c>DEFAULT_TEXT_MODEL</c>: used when a request names no model.</summary>
    public string DefaultTextModel { get; set; } = "openai/gpt-4o-mini";

    /// <summary><c>VISION_MODEL</c>: used for requests with media.</summary>
    public string VisionModel { get; set; } = "openai/gpt-4o-mini";

    /// <summary><c>OPENROUTER_REFERER</c>, sent as <c>HTTP-Referer</c>.</summary>
    public string? Referer { get; set; }

    /// <summary><c>OPENROUTER_X_TITLE</c>, sent as <c>X-Title</c>.</summary>
    public string? XTitle { get; set; }

    /// <summary><c>UPSTREAM_TIMEOUT_SECONDS</c>: longest wait for response headers, and between two reads of a body.</summary>
    public double TimeoutSeconds { get; set; } = 120;

    /// <summary><c>UPSTREAM_MAX_ATTEMPTS</c>: tries per request, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First retry delay; doubled on each further retry.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 0.2;

    /// <summary>A 429 is retried only when its Retry-After is at most this long.</summary>
    public double MaxRetryAfterSeconds { get; set; } = 2;

    /// <summary><c>MODELS_CACHE_SECONDS</c>: how long upstream's model list is reused.</summary>
    public double ModelsCacheSeconds { get; set; } = 60;

    public bool HasApiKey => !string.IsNullOrWhiteSpace(ApiKey);

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    /// <summary>The base URL with a trailing slash, so relative paths append instead of replacing the last segment.</summary>
    public Uri BaseUri => new(BaseUrl.EndsWith('/') ? BaseUrl : BaseUrl + "/");

    public RetryPolicy RetryPolicy => new(
        MaxAttempts,
        TimeSpan.FromSeconds(RetryBaseDelaySeconds),
        TimeSpan.FromSeconds(MaxRetryAfterSeconds));
}
