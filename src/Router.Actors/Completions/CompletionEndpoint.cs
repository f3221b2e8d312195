namespace OaiRouter.Actors.Completions;

/// <summary>The two completion endpoints the router serves.</summary>
public enum CompletionEndpoint
{
    /// <summary><c>/v1/chat/completions</c>, forwarded to upstream <c>/chat/completions</c>.</summary>
    Chat,
    /// <summary>Legacy <c>/v1/completions</c>, forwarded to upstream <c>/completions</c>.</summary>
    Legacy,
}

public static class CompletionEndpointExtensions
{
    public static string UpstreamPath(this CompletionEndpoint endpoint) =>
        endpoint == CompletionEndpoint.Chat ? "chat/completions" : "completions";

    public static string RoutePath(this CompletionEndpoint endpoint) =>
        endpoint == CompletionEndpoint.Chat ? "/v1/chat/completions" : "/v1/completions";
}
