using System.Net;
using Akka.Actor;
using OaiRouter.Actors.Ledger;

namespace OaiRouter.Actors.Tests.Ledger;

public sealed class CostReconcilerActorTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("reconciler-tests");

    public void Dispose() => _system.Dispose();

    private static LedgerSettings Settings(int attempts) => new()
    {
        ConnectionString = "Data Source=unused.db",
        OpenRouterBaseUrl = "http://openrouter.test/api/v1",
        OpenRouterApiKey = "sk-or-v1-test",
        ReconcileAttempts = attempts,
        ReconcileDelay = TimeSpan.FromMilliseconds(10),
        ReconcileMaxDelay = TimeSpan.FromMilliseconds(40),
    };

    [Fact]
    public async Task NotReadyAtFirst_IsAskedAgain_UntilTheCostIsThere()
    {
        var handler = new ScriptedHandler(notReadyCount: 2);
        var reconciled = new TaskCompletionSource<CostReconciled>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = Start(Settings(5), handler, reconciled);

        parent.Tell(new ReconcileCost("req-1", "gen-1"));

        var e = await reconciled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new CostReconciled("req-1", e.At, "gen-1", 0.25, 5, 6, null, null, CostSources.Generation), e);
        Assert.Equal(3, handler.Calls);
        Assert.Equal("Bearer sk-or-v1-test", handler.Authorization);
        Assert.Equal("/api/v1/generation?id=gen-1", handler.PathAndQuery);
    }

    [Fact]
    public async Task NeverReady_GivesUpAfterTheBound()
    {
        var handler = new ScriptedHandler(notReadyCount: int.MaxValue);
        var reconciled = new TaskCompletionSource<CostReconciled>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = Start(Settings(3), handler, reconciled);

        parent.Tell(new ReconcileCost("req-2", "gen-2"));

        Assert.True(await handler.WaitForCallsAsync(3, TimeSpan.FromSeconds(10)));
        // A further lookup would come within the 40 ms cap; give it ten times that to show up.
        Assert.False(await handler.WaitForCallsAsync(4, TimeSpan.FromMilliseconds(400)));
        Assert.False(reconciled.Task.IsCompleted);
    }

    private IActorRef Start(LedgerSettings settings, ScriptedHandler handler, TaskCompletionSource<CostReconciled> reconciled)
    {
        var client = GenerationClient.From(settings, new HttpClient(handler));
        var child = CostReconcilerActor.Props(client, settings, TimeProvider.System);
        return _system.ActorOf(Props.Create(() => new ParentProbe(child, reconciled)));
    }

    /// <summary>Stands in for the Ledger: receives what the reconciler tells its parent.</summary>
    private sealed class ParentProbe : ReceiveActor
    {
        public ParentProbe(Props child, TaskCompletionSource<CostReconciled> reconciled)
        {
            var reconciler = Context.ActorOf(child);
            Receive<ReconcileCost>(m => reconciler.Tell(m));
            Receive<CostReconciled>(e => reconciled.TrySetResult(e));
        }
    }

    /// <summary>Answers 404 a number of times, then the generation's stats.</summary>
    private sealed class ScriptedHandler(int notReadyCount) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string? Authorization { get; private set; }

        public string? PathAndQuery { get; private set; }

        public Task<bool> WaitForCallsAsync(int count, TimeSpan timeout) => Eventually.WithinAsync(() => Calls >= count, timeout);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            PathAndQuery = request.RequestUri!.PathAndQuery;
            var call = Interlocked.Increment(ref _calls);
            var response = call <= notReadyCount
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"error":{"code":404}}""") }
                : new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"data":{"id":"g","total_cost":0.25,"tokens_prompt":5,"tokens_completion":6}}"""),
                };
            return Task.FromResult(response);
        }
    }
}
