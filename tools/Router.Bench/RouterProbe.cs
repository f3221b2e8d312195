using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OaiRouter.Bench;

/// <summary>What the router's record holds at one moment: journal events, how far the requests projection got, finished rows.</summary>
internal readonly record struct LedgerCount(long Events, long Projected, long Finished, long MaxSeq)
{
    /// <summary>True when the requests table reflects every journal event.</summary>
    public bool CaughtUp => Projected >= Events;
}

/// <summary>Reads the router's own figures: its SQLite record, and its Prometheus metrics.</summary>
internal sealed class RouterProbe(string dbPath, string baseUrl)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = dbPath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        connection.Open();
        return connection;
    }

    public LedgerCount Count()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COALESCE(max(ordering), 0) FROM journal),
                   (SELECT COALESCE(max(offset_value), 0) FROM projection_offsets WHERE projection = 'requests'),
                   (SELECT count(*) FROM requests WHERE outcome <> 'received'),
                   (SELECT COALESCE(max(seq), 0) FROM requests)
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return new LedgerCount(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>Request ids of "finished" journal events with status 200 after <paramref name="afterOrdering"/>.</summary>
    public HashSet<string> FinishedIdsInJournal(long afterOrdering)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT json_extract(CAST(message AS TEXT), '$.RequestId') FROM journal
            WHERE ordering > $o AND manifest = 'finished' AND json_extract(CAST(message AS TEXT), '$.Status') = 200
            """;
        command.Parameters.AddWithValue("$o", afterOrdering);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (!reader.IsDBNull(0))
            {
                ids.Add(reader.GetString(0));
            }
        }

        return ids;
    }

    /// <summary>Request ids of finished rows with status 200 after <paramref name="afterSeq"/>.</summary>
    public HashSet<string> FinishedIds(long afterSeq)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT request_id FROM requests WHERE seq > $seq AND outcome = 'completed' AND status = 200";
        command.Parameters.AddWithValue("$seq", afterSeq);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The router's Prometheus text.</summary>
    public async Task<string> MetricsAsync() => await _http.GetStringAsync(baseUrl + "/metrics");

    /// <summary>Sum over every label set of the samples named exactly <paramref name="name"/>.</summary>
    public static double Sum(string metrics, string name)
    {
        var total = 0.0;
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length)
            {
                continue;
            }

            var next = line[name.Length];
            if (next != '{' && next != ' ')
            {
                continue;
            }

            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                total += v;
            }
        }

        return total;
    }

    /// <summary>Events the router has told the Ledger but not yet persisted (its own gauge); NaN when unreadable.</summary>
    public async Task<double> JournalLagAsync()
    {
        try
        {
            return Sum(await MetricsAsync(), "oai_router_ledger_lag_events");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return double.NaN;
        }
    }

    /// <summary>
    /// After a load: waits until the journal holds at least <paramref name="journalTarget"/> events (the run's
    /// requests' events) and, when <paramref name="projection"/>, until the requests projection has applied every
    /// journal event; at most <paramref name="limit"/>. Seconds are counted from the call; NaN when not reached.
    /// </summary>
    public async Task<Drain> DrainAsync(TimeSpan limit, long journalTarget, bool projection)
    {
        var started = Stopwatch.GetTimestamp();
        var journalAt = double.NaN;
        while (true)
        {
            var now = Count();
            var t = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (double.IsNaN(journalAt) && now.Events >= journalTarget)
            {
                journalAt = t;
            }

            if (!double.IsNaN(journalAt) && (!projection || now.CaughtUp))
            {
                return new Drain(now, journalAt, projection ? t : double.NaN, true);
            }

            if (t >= limit.TotalSeconds)
            {
                return new Drain(now, journalAt, double.NaN, false);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the record is quiet: the journal has not grown for a second
    /// and the requests projection has applied every journal event.
    /// </summary>
    public async Task<Drain> DrainIdleAsync(TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        var last = Count();
        var grewAt = 0.0;
        while (true)
        {
            await Task.Delay(100);
            var now = Count();
            var t = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (now.Events != last.Events)
            {
                grewAt = t;
            }

            last = now;
            if (now.CaughtUp && t - grewAt >= 1.0)
            {
                return new Drain(now, grewAt, t, true);
            }

            if (t >= limit.TotalSeconds)
            {
                return new Drain(now, grewAt, double.NaN, false);
            }
        }
    }
}

/// <summary>The record after a drain: when the journal last grew and when the projection caught up, in seconds.</summary>
internal sealed record Drain(LedgerCount Count, double JournalSeconds, double ProjectionSeconds, bool Settled);
