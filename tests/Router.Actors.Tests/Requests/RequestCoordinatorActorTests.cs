using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Records;
using OaiRouter.Actors.Requests;
using OaiRouter.FakeOpenRouter;

namespace OaiRouter.Actors.Tests.Requests;

/// <summary>The production registration in a real generic host, driven the way the HTTP endpoint drives it.</summary>
public sealed class RequestCoordinatorActorTests : IAsyncLifetime
{
    private FakeOpenRouterServer _fake = null!;
    private IHost _host = null!;
    private ActorSystem _system = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeOpenRouterServer.StartAsync();
        var builder = Host.CreateApplicationBuilder();
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IOptionsMonitor<OpenRouterOptions>>(new StaticOptions(new OpenRouterOptions
        {
            ApiKey = "sk-or-v1-actor-test-key",
            BaseUrl = _fake.BaseUrl.ToString(),
            RetryBaseDelaySeconds = 0.01,
        }));
        services.AddSingleton(new HttpClient());
        services.AddSingleton<Microsoft.Extensions.Logging.ILogger<OpenRouterClient>>(NullLogger<OpenRouterClient>.Instance);
        services.AddSingleton<OpenRouterClient>();
        services.AddSingleton(new SecretRedactor(["sk-or-v1-actor-test-key"]));
        services.AddSingleton(Options.Create(new RecordOptions()));
        services.AddSingleton<RequestRecorder>();
        services.AddAkka("actor-tests", (akka, provider) =>
            akka.AddHocon(RouterHocon.Load(), HoconAddMode.Prepend).AddRouterActors(provider));
        _host = builder.Build();
        await _host.StartAsync();
        _system = _host.Services.GetRequiredService<ActorSystem>();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _fake.DisposeAsync();
    }

    private Task<IActorRef> CoordinatorAsync() => _host.Services.GetRequiredService<ActorRegistry>().GetAsync<RequestCoordinatorActor>();

    private static CompletionRequest Request(string text, string model = "test/actor") => new(
        RequestId.New(), CompletionEndpoint.Chat,
        Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{text}}"}]}"""),
        model, false, false, null, DateTimeOffset.UtcNow);

    [Fact]
    public async Task EachRequest_GetsItsOwnActorAndItsOwnAnswer()
    {
        var coordinator = await CoordinatorAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            coordinator.Ask<CompletionReady>(new HandleCompletion(Request($"q{i}"), CancellationToken.None), TimeSpan.FromSeconds(10))));

        Assert.Equal(10, replies.Select(r => r.RequestActor.Path.Name).Distinct().Count());
        for (var i = 0; i < 10; i++)
        {
            var answered = Assert.IsType<UpstreamAnswered>(replies[i].Result);
            Assert.Contains($"echo: q{i}", Encoding.UTF8.GetString(answered.Body));
        }
    }

    [Fact]
    public async Task RequestActor_StopsWhenTheResponseIsFinished()
    {
        var coordinator = await CoordinatorAsync();
        var ready = await coordinator.Ask<CompletionReady>(new HandleCompletion(Request("bye"), CancellationToken.None), TimeSpan.FromSeconds(10));
        var stopped = ready.RequestActor.WatchAsync();

        ready.RequestActor.Tell(new CompletionFinished(new RequestOutcome(200, null, null, null, null, null, null, null, 0,
            TimeSpan.Zero, null, null, 1, false)));

        Assert.Same(stopped, await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task UpstreamErrors_ComeBackAsResults()
    {
        var coordinator = await CoordinatorAsync();
        var ready = await coordinator.Ask<CompletionReady>(
            new HandleCompletion(Request("x", "fake/error-403"), CancellationToken.None), TimeSpan.FromSeconds(10));

        var failed = Assert.IsType<UpstreamFailed>(ready.Result);
        Assert.Equal(403, failed.Error.Status);
    }

    private sealed class StaticOptions(OpenRouterOptions value) : IOptionsMonitor<OpenRouterOptions>
    {
        public OpenRouterOptions CurrentValue => value;
        public OpenRouterOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<OpenRouterOptions, string?> listener) => null;
    }
}
