namespace OaiRouter.Actors.Completions;

/// <summary>The router's id for one request, sent back as <c>X-Request-Id</c>.</summary>
public readonly record struct RequestId(string Value)
{
    /// <summary>Time-ordered, so ids sort the way requests arrived.</summary>
    public static RequestId New() => new("req_" + Guid.CreateVersion7().ToString("N"));

    public override string ToString() => Value;
}
