using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Requests;
using OaiRouter.Host.Config;
using OaiRouter.Host.Errors;

namespace OaiRouter.Host.Endpoints;

/// <summary><c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c>.</summary>
internal static class CompletionsEndpoints
{
    public static RouteGroupBuilder MapCompletions(this RouteGroupBuilder v1)
    {
        v1.MapPost("/chat/completions", (HttpContext context, CompletionServices services) =>
                HandleAsync(context, CompletionEndpoint.Chat, services))
            .WithName("CreateChatCompletion")
            .WithSummary("OpenAI chat completions, forwarded to OpenRouter (JSON or SSE).");
        v1.MapPost("/completions", (HttpContext context, CompletionServices services) =>
                HandleAsync(context, CompletionEndpoint.Legacy, services))
            .WithName("CreateCompletion")
            .WithSummary("Legacy text completions, forwarded to OpenRouter's /completions (JSON or SSE).");
        return v1;
    }

    private static async Task HandleAsync(HttpContext context, CompletionEndpoint endpoint, CompletionServices s)
    {
        var startedAt = s.Time.GetTimestamp();
        var openRouter = s.OpenRouter.CurrentValue;
        if (!openRouter.HasApiKey)
        {
            await ErrorResponses.WriteAsync(context, FailureKind.UpstreamNotConfigured,
                "The router has no OpenRouter key: set OPENROUTER_API_KEY and restart the router.");
            return;
        }

        var (body, bodyError) = await RequestBody.ReadJsonAsync(context, s.Router.Value.MaxRequestBodyBytes);
        if (bodyError is not null)
        {
            await ErrorResponses.WriteAsync(context, bodyError);
            return;
        }
        var (valid, invalid) = RequestValidator.Validate(endpoint, body, openRouter.DefaultTextModel);
        if (valid is null)
        {
            await ErrorResponses.WriteAsync(context, invalid!);
            return;
        }

        var request = new CompletionRequest(RequestContext.Id(context), endpoint, valid.Body, valid.Model,
            valid.ModelDefaulted, valid.Stream, RequestContext.KeyLabel(context), s.Time.GetUtcNow());
        CompletionReady ready;
        try
        {
            ready = await s.Coordinator.ActorRef.Ask<CompletionReady>(
                new HandleCompletion(request, context.RequestAborted), s.AskTimeout, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client left; its request actor cancels the upstream call
        }
        catch (AskTimeoutException)
        {
            await ErrorResponses.WriteAsync(context, FailureKind.UpstreamTimeout, "The request took too long inside the router.");
            return;
        }

        var outcome = await CompletionResponder.WriteAsync(context, ready.Result, openRouter.Timeout, startedAt, s.Time);
        ready.RequestActor.Tell(new CompletionFinished(outcome));
        s.Log.LogInformation(
            "{RequestId} {Endpoint} model={Model} stream={Stream} status={Status} attempts={Attempts} ms={DurationMs:0.0} error={Error}",
            request.Id.Value, endpoint.RoutePath(), request.Model, request.Stream, outcome.Status, outcome.Attempts,
            outcome.Total.TotalMilliseconds, outcome.ErrorType);
    }
}

/// <summary>What the completion handlers need, resolved once per request.</summary>
internal sealed class CompletionServices(
    IRequiredActor<RequestCoordinatorActor> coordinator,
    IOptionsMonitor<OpenRouterOptions> openRouter,
    IOptions<RouterOptions> router,
    ActorSettings actorSettings,
    TimeProvider time,
    ILogger<CompletionServices> log)
{
    public IRequiredActor<RequestCoordinatorActor> Coordinator { get; } = coordinator;
    public IOptionsMonitor<OpenRouterOptions> OpenRouter { get; } = openRouter;
    public IOptions<RouterOptions> Router { get; } = router;
    public TimeSpan AskTimeout { get; } = actorSettings.AskTimeout;
    public TimeProvider Time { get; } = time;
    public ILogger Log { get; } = log;
}

/// <summary>Settings read from router.hocon that the HTTP edge needs.</summary>
internal sealed record ActorSettings(TimeSpan AskTimeout);
