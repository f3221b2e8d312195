using Microsoft.AspNetCore.Http;

namespace OaiRouter.FakeOpenRouter.Http;

/// <summary>OpenRouter accepts any request carrying <c>Authorization: Bearer &lt;key&gt;</c>; the fake accepts any key.</summary>
internal static class BearerAuth
{
    public static bool IsAuthorized(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString().AsSpan().Trim();
        const string scheme = "Bearer ";
        return value.Length > scheme.Length
            && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && !value[scheme.Length..].Trim().IsEmpty;
    }
}
