using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Ledger;
using OaiRouter.Actors.Metrics;
using OaiRouter.Actors.Records;
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
        RouterMetrics.InFlight.Inc();
        try
        {
            await HandleInFlightAsync(context, endpoint, s);
        }
        finally
        {
            RouterMetrics.InFlight.Dec();
        }
    }

    private static async Task HandleInFlightAsync(HttpContext context, CompletionEndpoint endpoint, CompletionServices s)
    {
        var startedAt = s.Time.GetTimestamp();
        var receivedAt = s.Time.GetUtcNow();
        var openRouter = s.OpenRouter.CurrentValue;
        if (!openRouter.HasApiKey)
        {
            await RejectAsync(RouterErrors.Create(FailureKind.UpstreamNotConfigured,
                "The router has no OpenRouter key: set OPENROUTER_API_KEY and restart the router."), default);
            return;
        }

        var (body, bodyError) = await RequestBody.ReadJsonAsync(context, s.Router.Value.MaxRequestBodyBytes);
        if (bodyError is not null)
        {
            await RejectAsync(bodyError, default);
            return;
        }
        var (valid, invalid) = RequestValidator.Validate(endpoint, body, openRouter.DefaultTextModel);
        if (valid is null)
        {
            await RejectAsync(invalid!, body);
            return;
        }

        // Under a load the journal cannot keep up with, requests wait (bounded) instead of the
        // record piling up in memory; see LedgerBacklog. Not cut short by a client that leaves:
        // the request actor then records it as cancelled, as it records any other.
        await s.Backlog.WaitForRoomAsync(s.Time, CancellationToken.None);

        var request = new CompletionRequest(RequestContext.Id(context), endpoint, valid.Body, valid.Model,
            valid.ModelDefaulted, valid.Stream, RequestContext.KeyLabel(context), receivedAt);
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

        var outcome = await CompletionResponder.WriteAsync(context, ready.Result, openRouter.Timeout, startedAt, s.Time, ready.MediaTime);
        ready.RequestActor.Tell(new CompletionFinished(outcome));
        Observe(endpoint, request.Model, outcome, ready.MediaTime);

        // Refused before forwarding: answered at once, still recorded (off the response path, by the recorder).
        async Task RejectAsync(RouterError error, ReadOnlyMemory<byte> rejectedBody)
        {
            await ErrorResponses.WriteAsync(context, error);
            RouterMetrics.Requests.WithLabels(endpoint.RoutePath(), "none", StatusLabel(error.Status)).Inc();
            s.Recorder.Rejected(RequestContext.Id(context), endpoint, RequestContext.KeyLabel(context), rejectedBody.Span, error,
                receivedAt, s.Time.GetElapsedTime(startedAt));
        }
    }

    private static void Observe(CompletionEndpoint endpoint, string model, RequestOutcome outcome, TimeSpan mediaTime)
    {
        var path = endpoint.RoutePath();
        RouterMetrics.Requests.WithLabels(path, RouterMetrics.ModelLabel(model), StatusLabel(outcome.Status)).Inc();
        RouterMetrics.Duration.WithLabels(path).Observe(outcome.Total.TotalSeconds);
        if (outcome.UpstreamTimeToHeaders is { } ttfb)
        {
            RouterMetrics.UpstreamTimeToFirstByte.WithLabels(path).Observe(ttfb.TotalSeconds);
        }
        if (outcome.UpstreamTime is { } upstream)
        {
            RouterMetrics.Overhead.WithLabels(path).Observe(Math.Max(0, (outcome.Total - upstream - mediaTime).TotalSeconds));
        }
    }

    private static string StatusLabel(int status) => status switch
    {
        200 => "200",
        400 => "400",
        401 => "401",
        429 => "429",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>What the completion handlers need, resolved once per request.</summary>
internal sealed class CompletionServices(
    IRequiredActor<RequestCoordinatorActor> coordinator,
    IOptionsMonitor<OpenRouterOptions> openRouter,
    IOptions<RouterOptions> router,
    ActorSettings actorSettings,
    RequestRecorder recorder,
    LedgerBacklog backlog,
    TimeProvider time)
{
    public IRequiredActor<RequestCoordinatorActor> Coordinator { get; } = coordinator;
    public IOptionsMonitor<OpenRouterOptions> OpenRouter { get; } = openRouter;
    public IOptions<RouterOptions> Router { get; } = router;
    public TimeSpan AskTimeout { get; } = actorSettings.AskTimeout;
    public RequestRecorder Recorder { get; } = recorder;
    public LedgerBacklog Backlog { get; } = backlog;
    public TimeProvider Time { get; } = time;
}

/// <summary>Settings read from router.hocon that the HTTP edge needs.</summary>
internal sealed record ActorSettings(TimeSpan AskTimeout);
