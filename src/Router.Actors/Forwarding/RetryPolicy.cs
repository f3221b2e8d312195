namespace OaiRouter.Actors.Forwarding;

/// <summary>
/// When to try upstream again. Only consulted before any byte reached the client, so a retry
/// can never duplicate output.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxRetryAfter)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>The delay before the next attempt, or null to give up.</summary>
    /// <param name="attempt">The attempt that just failed, starting at 1.</param>
    /// <param name="status">The upstream status, or null when the connection failed.</param>
    public TimeSpan? Decide(int attempt, int? status, TimeSpan? retryAfter)
    {
        if (attempt >= MaxAttempts)
        {
            return null;
        }
        if (status is null || status is 502 or 503 or 524 or 529)
        {
            return Backoff(attempt);
        }
        if (status == 429 && retryAfter is { } wait && wait <= MaxRetryAfter)
        {
            return wait;
        }
        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = BaseDelay * Math.Pow(2, attempt - 1);
        return delay < MaxBackoff ? delay : MaxBackoff;
    }
}
