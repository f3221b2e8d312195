using Akka.Actor;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OaiRouter.Actors.Ledger;

namespace OaiRouter.Actors.Tests.Ledger;

/// <summary>A SQLite file in a directory of its own (WAL, as start-up leaves it), deleted with the test.</summary>
internal sealed class LedgerDatabaseFile : IDisposable
{
    public LedgerDatabaseFile()
    {
        Directory = Path.Combine(Path.GetTempPath(), "oai-ledger-actor-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Directory, "ledger.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteNonQuery();
    }

    public string Directory { get; }

    public string ConnectionString { get; }

    public long JournalCount()
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM journal WHERE persistence_id = 'ledger'";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Distinct events in the journal, told apart by their (JSON) payload.</summary>
    public long DistinctRequestCount()
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(DISTINCT message) FROM journal WHERE persistence_id = 'ledger'";
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }
}

/// <summary>The production <see cref="LedgerRegistration.AddRouterLedger"/> in a real generic host.</summary>
internal sealed class LedgerHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private LedgerHost(IHost host, IActorRef ledger)
    {
        _host = host;
        Ledger = ledger;
    }

    public IActorRef Ledger { get; }

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public LedgerBacklog Backlog => _host.Services.GetRequiredService<LedgerBacklog>();

    public static LedgerSettings Settings(string connectionString) => new()
    {
        ConnectionString = connectionString,
        WriterMinBackoff = TimeSpan.FromMilliseconds(100),
        WriterMaxBackoff = TimeSpan.FromMilliseconds(500),
        ReconcileDelay = TimeSpan.FromMilliseconds(20),
    };

    public static async Task<LedgerHost> StartAsync(LedgerSettings settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new LedgerBacklog(highWater: 100));
        builder.Services.AddAkka("ledger-actor-tests", (akka, _) => akka
            .AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend)
            .AddRouterLedger(settings));
        var host = builder.Build();
        await host.StartAsync();
        var ledger = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<LedgerActor>();
        return new LedgerHost(host, ledger);
    }

    public Task<LedgerStatus> StatusAsync() => Ledger.Ask<LedgerStatus>(GetLedgerStatus.Instance, TimeSpan.FromSeconds(10));

    /// <summary>The status once the writer has opened the journal.</summary>
    public async Task<LedgerStatus> ReadyStatusAsync()
    {
        LedgerStatus? status = null;
        await Eventually.TrueAsync(async () => (status = await StatusAsync()).WriterRunning, "the ledger writer is up");
        return status!;
    }

    public Task FlushAsync(TimeSpan? timeout = null) =>
        Ledger.Ask<LedgerFlushed>(FlushLedger.Instance, timeout ?? TimeSpan.FromSeconds(20));

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
