using System.Data;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace OaiRouter.Actors.Ledger;

/// <summary>Wires the Ledger's write side: SQL persistence on SQLite, the event serializer and the Ledger actors.</summary>
public static class LedgerRegistration
{
    /// <summary>
    /// Configures Akka.Persistence.Sql (journal and snapshot store, tables created on first use)
    /// on the SQLite file of <see cref="LedgerSettings.ConnectionString"/> and registers the
    /// Ledger under <see cref="LedgerActor"/>: tell it <see cref="ILedgerEvent"/>s. At
    /// coordinated shutdown it flushes every pending event before the actor system stops.
    /// The read side (the <c>requests</c> table) is started by <c>AddLedgerProjection</c> in Router.Tracking.
    /// </summary>
    public static AkkaConfigurationBuilder AddRouterLedger(this AkkaConfigurationBuilder builder, LedgerSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(settings.ConnectionString);

        builder.WithSqlPersistence(
            new SqlJournalOptions(isDefaultPlugin: true)
            {
                ConnectionString = settings.ConnectionString,
                ProviderName = ProviderName.SQLiteMS,
                DataOptions = SqliteDataOptions(settings.ConnectionString),
                AutoInitialize = true,
                // Events are no longer tagged; the mode stays so journals of earlier versions, whose
                // events carry tag rows, keep their schema.
                TagStorageMode = TagMode.TagTable,
                // Reads in a deferred transaction: SQLite's default for the others is BEGIN
                // IMMEDIATE, which would make every journal query wait for the write lock.
                ReadIsolationLevel = IsolationLevel.ReadUncommitted,
                QueryRefreshInterval = settings.QueryRefreshInterval,
            },
            new SqlSnapshotOptions(isDefaultPlugin: true)
            {
                ConnectionString = settings.ConnectionString,
                ProviderName = ProviderName.SQLiteMS,
                AutoInitialize = true,
            });
        builder.AddHocon(JournalTuning(settings), HoconAddMode.Prepend);
        builder.WithCustomSerializer(LedgerEventSerializer.Name, [typeof(ILedgerEvent)],
            system => new LedgerEventSerializer(system));

        return builder.WithActors((system, registry, resolver) =>
        {
            var time = resolver.GetService<TimeProvider>() ?? TimeProvider.System;
            Props? reconciler = null;
            if (settings.CanReconcile)
            {
                var client = GenerationClient.From(settings, SharedHttp.Value);
                reconciler = CostReconcilerActor.Props(client, settings, time);
            }
            var backlog = resolver.GetService<LedgerBacklog>();
            var ledger = system.ActorOf(LedgerSupervisorActor.Props(settings, LedgerActor.Props(), reconciler, backlog), "ledger");
            registry.Register<LedgerActor>(ledger);

            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "flush-ledger", async () =>
            {
                try
                {
                    await ledger.Ask<LedgerFlushed>(FlushLedger.Instance, settings.FlushTimeout);
                }
                catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException)
                {
                    system.Log.Error("Ledger could not write every pending event within {Timeout}", settings.FlushTimeout);
                }
                return Done.Instance;
            });
        });
    }

    /// <summary>
    /// Every journal connection waits inside SQLite (in steps of a few milliseconds) when another
    /// writer, such as the projection, holds the file lock, instead of failing at once and being
    /// retried by the driver after a long pause.
    /// </summary>
    private static DataOptions SqliteDataOptions(string connectionString)
    {
        var busyTimeout = BusyTimeout(connectionString);
        return new DataOptions()
            .UseConnectionString(ProviderName.SQLiteMS, connectionString)
            .UseAfterConnectionOpened(
                connection => PrepareConnection(connection, busyTimeout),
                (connection, _) =>
                {
                    PrepareConnection(connection, busyTimeout);
                    return Task.CompletedTask;
                });
    }

    /// <summary>How long a statement waits for the file lock: the connection string's <c>Default Timeout</c> (30 s unless set).</summary>
    public static TimeSpan BusyTimeout(string connectionString) =>
        TimeSpan.FromSeconds(new SqliteConnectionStringBuilder(connectionString).DefaultTimeout);

    /// <summary>
    /// Makes SQLite itself wait up to <paramref name="timeout"/> for a lock held by another
    /// connection, and sync the WAL at checkpoints rather than at every commit
    /// (<c>synchronous=NORMAL</c>): in WAL mode that still survives a killed process (kill -9)
    /// with every committed transaction; only a power cut or OS crash may lose the last commits.
    /// An fsync per journal batch otherwise caps the Ledger far below peak request rates.
    /// </summary>
    public static void PrepareConnection(System.Data.Common.DbConnection connection, TimeSpan timeout)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {(long)timeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
    }

    /// <summary>Dedicated threads for the journal's blocking SQLite work (the projection runs each batch on a thread of its own).</summary>
    public const string LedgerDispatcher = "oai-router.ledger-dispatcher";

    /// <summary>
    /// SQLite takes one writer at a time, so one journal writer stream is enough (more would only
    /// queue on the file lock), and the projection's journal query looks for new rows as often as it polls.
    /// </summary>
    private static string JournalTuning(LedgerSettings settings)
    {
        var refreshMs = Math.Max(10, (long)settings.QueryRefreshInterval.TotalMilliseconds);
        return $$"""
            # The journal's SQLite calls block the thread they run on (Microsoft.Data.Sqlite is
            # synchronous under its async API). On threads of their own they neither hold the
            # pool's few threads away from requests (c=1 p99 went from 36-113 ms to 9 ms) nor
            # queue behind request work under saturation, which stalled the journal for seconds.
            {{LedgerDispatcher}} {
              type = ForkJoinDispatcher
              throughput = 100
              dedicated-thread-pool {
                thread-count = 2
                threadtype = background
              }
            }
            akka.persistence.journal.sql {
              plugin-dispatcher = "{{LedgerDispatcher}}"
              materializer-dispatcher = "{{LedgerDispatcher}}"
              parallelism = 1
              buffer-size = 20000
              # Bodies travel as parameters, not rendered into the SQL text as hex literals. The
              # batch stays at 100 rows: parameters are bound by name, which SQLite looks up in a
              # list, so 1000-row batches (9000 parameters) cost quadratic time (measured slower).
              batch-size = 100
              prefer-parameters-on-multirow-insert = true
              # A write waits behind the backlog of a burst or a stall (a paused VM, a long GC).
              # At the default 10 s it timed out while still queued: the writer restarted and
              # re-sent tens of thousands of events it was about to write (seen in the benchmark).
              circuit-breaker.call-timeout = 120s
            }
            akka.persistence.query.journal.sql {
              journal-sequence-retrieval.query-delay = {{refreshMs}}ms
              read-isolation-level = read-uncommitted
            }
            """;
    }

    /// <summary>One pooled client for all lookups; connections are recycled so DNS changes are seen.</summary>
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });
}
