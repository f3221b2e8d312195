using OaiRouter.Actors.Errors;
using OaiRouter.Host.Endpoints;
using OaiRouter.Host.Errors;

namespace OaiRouter.Host.Security;

/// <summary>Refuses /v1 calls without a known client key when <c>ROUTER_API_KEYS</c> is set.</summary>
internal sealed class ClientKeyFilter(ClientKeys keys) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (keys.Required)
        {
            var http = context.HttpContext;
            var token = ClientKeys.BearerToken(http.Request.Headers.Authorization);
            var label = token.IsEmpty ? null : keys.Match(token);
            if (label is null)
            {
                await ErrorResponses.WriteAsync(http, FailureKind.Unauthorized, token.IsEmpty
                    ? "Missing API key: send 'Authorization: Bearer <key>' with one of the router's client keys."
                    : "Incorrect API key provided.");
                return Results.Empty;
            }
            RequestContext.SetKeyLabel(http, label);
        }
        return await next(context);
    }
}
