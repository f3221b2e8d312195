using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OaiRouter.Actors.Ledger;
using OaiRouter.Tracking.Projection;

namespace OaiRouter.Tracking.Tests.Projection;

/// <summary>The production Ledger wiring (write side and projection) in a real generic host.</summary>
internal sealed class LedgerTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private LedgerTestHost(IHost host, IActorRef ledger, IActorRef projection, IActorRef retention)
    {
        _host = host;
        Ledger = ledger;
        Projection = projection;
        Retention = retention;
    }

    public IActorRef Retention { get; }

    public IActorRef Ledger { get; }

    public IActorRef Projection { get; }

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>Settings quick enough for tests.</summary>
    public static LedgerSettings Settings(string connectionString) => new()
    {
        ConnectionString = connectionString,
        QueryRefreshInterval = TimeSpan.FromMilliseconds(50),
        ProjectionBatchWindow = TimeSpan.FromMilliseconds(50),
        ProjectionMinBackoff = TimeSpan.FromMilliseconds(100),
        ReconcileDelay = TimeSpan.FromMilliseconds(50),
        RetentionInterval = TimeSpan.FromHours(1),
    };

    public static async Task<LedgerTestHost> StartAsync(LedgerSettings settings, bool projection = true, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddAkka("ledger-tests", (akka, _) =>
        {
            akka.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend).AddRouterLedger(settings);
            if (projection)
            {
                akka.AddLedgerProjection(settings);
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        return new LedgerTestHost(host,
            await registry.GetAsync<LedgerActor>(),
            projection ? await registry.GetAsync<LedgerProjectionActor>() : ActorRefs.Nobody,
            projection ? await registry.GetAsync<RequestsRetentionActor>() : ActorRefs.Nobody);
    }

    public Task<LedgerStatus> StatusAsync() =>
        Ledger.Ask<LedgerStatus>(GetLedgerStatus.Instance, TimeSpan.FromSeconds(10));

    /// <summary>The status once the writer has opened the journal.</summary>
    public async Task<LedgerStatus> ReadyStatusAsync()
    {
        LedgerStatus? status = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(status = await StatusAsync()).WriterRunning)
        {
            Assert.True(DateTime.UtcNow < deadline, "the ledger writer did not come up");
            await Task.Delay(20);
        }
        return status;
    }

    public Task<ProjectionStatus> ProjectionStatusAsync() =>
        Projection.Ask<ProjectionStatus>(GetProjectionStatus.Instance, TimeSpan.FromSeconds(10));

    /// <summary>Stops the host the way SIGTERM does: coordinated shutdown, which flushes the Ledger.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync();
            await System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
