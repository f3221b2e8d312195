namespace OaiRouter.Actors.Errors;

/// <summary>An error as the client sees it: status plus OpenAI's four error keys.</summary>
public sealed record RouterError(
    FailureKind Kind,
    int Status,
    string Message,
    string Type,
    string? Param = null,
    string? Code = null,
    TimeSpan? RetryAfter = null);
