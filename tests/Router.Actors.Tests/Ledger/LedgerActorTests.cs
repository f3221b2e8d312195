using Akka.Actor;
using Microsoft.Data.Sqlite;
using OaiRouter.Actors.Ledger;

namespace OaiRouter.Actors.Tests.Ledger;

/// <summary>The write side alone, on a real SQLite journal, through the production registration.</summary>
public sealed class LedgerActorTests : IDisposable
{
    private readonly LedgerDatabaseFile _db = new();

    public void Dispose() => _db.Dispose();

    private static RequestReceived Received(int i) => new(
        $"req-{i}", DateTimeOffset.UtcNow, "/v1/chat/completions", null, "m", "m", null, false, 10, "{}");

    [Fact]
    public async Task Restart_ReadsOnlyTheHighestSequenceNumber_AndAppendsAfterIt()
    {
        var settings = LedgerHost.Settings(_db.ConnectionString);
        await using (var first = await LedgerHost.StartAsync(settings))
        {
            for (var i = 0; i < 3000; i++)
            {
                first.Ledger.Tell(Received(i));
            }
            await first.FlushAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(3000, (await first.StatusAsync()).LastSequenceNr);
        }

        await using var second = await LedgerHost.StartAsync(settings);
        var status = await second.ReadyStatusAsync();
        Assert.Equal(0, status.RecoveredEvents);
        Assert.Equal(3000, status.LastSequenceNr);

        second.Ledger.Tell(Received(3000));
        await second.FlushAsync();
        Assert.Equal(3001, (await second.StatusAsync()).LastSequenceNr);
        Assert.Equal(3001, _db.JournalCount());
    }

    [Fact]
    public async Task Journal_IsSqlOnSqliteWithOneWriterAndTagTable()
    {
        await using var host = await LedgerHost.StartAsync(LedgerHost.Settings(_db.ConnectionString));
        var config = host.System.Settings.Config;
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("SQLite.MS", config.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal(1, config.GetInt("akka.persistence.journal.sql.parallelism"));
        Assert.Equal("TagTable", config.GetString("akka.persistence.journal.sql.tag-write-mode"));
        Assert.Equal("read-uncommitted", config.GetString("akka.persistence.query.journal.sql.read-isolation-level"));
        Assert.Equal(100, config.GetInt("akka.persistence.journal.sql.batch-size"));
        Assert.True(config.GetBoolean("akka.persistence.journal.sql.prefer-parameters-on-multirow-insert"));
        Assert.Equal(TimeSpan.FromSeconds(120), config.GetTimeSpan("akka.persistence.journal.sql.circuit-breaker.call-timeout"));
        // Blocking SQLite work on threads of its own, not the pool's.
        Assert.Equal(LedgerRegistration.LedgerDispatcher, config.GetString("akka.persistence.journal.sql.plugin-dispatcher"));
        Assert.Equal(LedgerRegistration.LedgerDispatcher, config.GetString("akka.persistence.journal.sql.materializer-dispatcher"));
        Assert.True(host.System.Dispatchers.HasDispatcher(LedgerRegistration.LedgerDispatcher));
    }

    [Fact]
    public async Task Backlog_CountsEventsUntilTheJournalHasThem()
    {
        await using var host = await LedgerHost.StartAsync(LedgerHost.Settings(_db.ConnectionString));
        await host.ReadyStatusAsync();
        Assert.False(host.Backlog.Full);

        for (var i = 0; i < 1000; i++)
        {
            host.Ledger.Tell(Received(i));
        }
        // 1000 events against a high-water mark of 100: full until the journal has written them.
        var sawFull = false;
        var until = DateTime.UtcNow.AddSeconds(5);
        while (!sawFull && DateTime.UtcNow < until)
        {
            sawFull = host.Backlog.Full;
            await Task.Yield();
        }
        Assert.True(sawFull, "the backlog was never reported full");
        await host.Ledger.Ask<LedgerFlushed>(FlushLedger.Instance, TimeSpan.FromSeconds(30));

        // The supervisor reports the count before it answers the flush.
        Assert.Equal(0, host.Backlog.Pending);
        Assert.False(host.Backlog.Full);
        Assert.Equal(1000L, _db.JournalCount());
    }

    [Fact]
    public async Task Shutdown_FlushesPendingEvents()
    {
        var settings = LedgerHost.Settings(_db.ConnectionString);
        await using (var first = await LedgerHost.StartAsync(settings))
        {
            for (var i = 0; i < 1000; i++)
            {
                first.Ledger.Tell(Received(i));
            }
            await first.StopAsync();
        }
        Assert.Equal(1000, _db.JournalCount());
    }

    [Fact]
    public async Task WriteFailure_IsRetriedAfterABackoff_AndNothingIsLost()
    {
        // Writes give up after 1 s on a locked file instead of the default 30 s.
        var connectionString = new SqliteConnectionStringBuilder(_db.ConnectionString) { DefaultTimeout = 1 }.ToString();
        await using var host = await LedgerHost.StartAsync(LedgerHost.Settings(connectionString));
        host.Ledger.Tell(Received(0));
        await host.FlushAsync();

        using (var blocker = new SqliteConnection(_db.ConnectionString))
        {
            blocker.Open();
            using var transaction = blocker.BeginTransaction(); // BEGIN IMMEDIATE: holds the write lock
            for (var i = 1; i <= 20; i++)
            {
                host.Ledger.Tell(Received(i));
            }
            await Eventually.TrueAsync(async () => (await host.StatusAsync()).WriterRunning == false, "the writer stopped on the failure");
            transaction.Rollback();
        }

        await host.FlushAsync();
        var status = await host.ReadyStatusAsync();
        Assert.Equal(0, status.PendingEvents);
        // At least once: an event may land twice when its write succeeded but the writer died before confirming it.
        Assert.True(_db.JournalCount() >= 21, $"{_db.JournalCount()} events in the journal");
        Assert.Equal(21, _db.DistinctRequestCount());
    }
}
