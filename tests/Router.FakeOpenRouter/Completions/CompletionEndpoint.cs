using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OaiRouter.FakeOpenRouter.Http;

namespace OaiRouter.FakeOpenRouter.Completions;

/// <summary><c>POST /chat/completions</c> and the legacy <c>POST /completions</c>.</summary>
internal static class CompletionEndpoint
{
    public static IEndpointRouteBuilder MapCompletions(this IEndpointRouteBuilder api, FakeState state)
    {
        api.MapPost("/chat/completions", context => HandleAsync(context, state, legacy: false));
        api.MapPost("/completions", context => HandleAsync(context, state, legacy: true));
        return api;
    }

    private static async Task HandleAsync(HttpContext context, FakeState state, bool legacy)
    {
        var ct = context.RequestAborted;
        CompletionResponder? responder = null;
        try
        {
            var body = await CompletionRequestReader.ReadAsync(context.Request.BodyReader, legacy, state.RecordRequests, ct);
            state.Record(context.Request, body.Raw);
            if (!BearerAuth.IsAuthorized(context.Request))
            {
                await OpenRouterErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "No auth credentials found");
                return;
            }

            if (body.Request is null)
            {
                await OpenRouterErrors.WriteAsync(context, StatusCodes.Status400BadRequest, body.Problem ?? "Bad request", "invalid_request");
                return;
            }

            responder = new CompletionResponder(context, state, body.Request, legacy);
            await responder.RunAsync(ct);
        }
        catch (Exception ex) when (ClientWentAway(ex, ct))
        {
            // Expected whenever a client cancels; the tests assert on the count, so nothing is rethrown.
            responder?.Record?.Cancelled = true;
            state.CountCancelled();
        }
        catch (OperationCanceledException) when (state.Stopping.IsCancellationRequested)
        {
            // The fake is being disposed while this answer waits; drop the connection, it is not a client cancel.
            context.Abort();
        }
    }

    private static bool ClientWentAway(Exception ex, CancellationToken requestAborted) =>
        (ex is OperationCanceledException && requestAborted.IsCancellationRequested) || ex is IOException;
}
