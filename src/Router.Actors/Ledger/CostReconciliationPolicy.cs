namespace OaiRouter.Actors.Ledger;

/// <summary>What one <c>GET /generation?id=</c> told us.</summary>
internal abstract record GenerationLookup;

/// <summary>OpenRouter knows the generation and its cost. Token counts are the provider's (native) ones when given.</summary>
internal sealed record GenerationFound(
    double CostUsd,
    long? PromptTokens,
    long? CompletionTokens,
    long? ReasoningTokens,
    long? CachedTokens) : GenerationLookup;

/// <summary>Not there yet (404, or an answer without a cost): OpenRouter fills it in a little later.</summary>
internal sealed record GenerationNotReady(int Status) : GenerationLookup;

/// <summary>A failure that may pass: network, timeout, 429, 5xx.</summary>
internal sealed record GenerationUnavailable(int? Status, string Reason) : GenerationLookup;

/// <summary>A failure that will not pass by asking again: bad key, bad request.</summary>
internal sealed record GenerationRefused(int Status, string Reason) : GenerationLookup;

/// <summary>What to do after a lookup.</summary>
internal abstract record ReconcileDecision;

/// <summary>Record the cost that was found.</summary>
internal sealed record RecordCost(GenerationFound Found) : ReconcileDecision;

/// <summary>Ask again after <paramref name="Delay"/>.</summary>
internal sealed record LookUpAgain(TimeSpan Delay) : ReconcileDecision;

/// <summary>Stop trying; the request keeps no cost.</summary>
internal sealed record GiveUp(string Reason) : ReconcileDecision;

/// <summary>
/// Bounded retries with exponential back-off for cost lookups: <see cref="MaxAttempts"/> lookups
/// at most, the first after <see cref="BaseDelay"/> (OpenRouter's stats lag the response), each
/// further one after twice the previous wait, capped at <see cref="MaxDelay"/>.
/// </summary>
internal sealed record CostReconciliationPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static CostReconciliationPolicy From(LedgerSettings settings) =>
        new(settings.ReconcileAttempts, settings.ReconcileDelay, settings.ReconcileMaxDelay);

    /// <summary>A finished request whose cost is unknown but whose generation OpenRouter can tell us about.</summary>
    public static bool NeedsLookup(RequestFinished finished) =>
        finished.CostUsd is null && !string.IsNullOrWhiteSpace(finished.GenerationId);

    /// <summary>Wait before the first lookup.</summary>
    public TimeSpan FirstDelay => BaseDelay;

    /// <summary>What follows lookup number <paramref name="attempt"/> (1-based) and its result.</summary>
    public ReconcileDecision Decide(int attempt, GenerationLookup result) => result switch
    {
        GenerationFound found => new RecordCost(found),
        GenerationRefused refused => new GiveUp($"refused with {refused.Status}: {refused.Reason}"),
        _ when attempt >= MaxAttempts => new GiveUp($"no cost after {attempt} lookups"),
        _ => new LookUpAgain(DelayAfter(attempt)),
    };

    /// <summary>Wait after lookup number <paramref name="attempt"/>: base × 2^attempt, capped.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(BaseDelay.Ticks * factor, MaxDelay.Ticks));
    }
}
