using Microsoft.Data.Sqlite;

namespace OaiRouter.Tracking.Storage;

/// <summary>What one retention pass removed, and which journal events may go as well (null: none).</summary>
public sealed record RetentionResult(int BodiesCleared, int RowsDeleted, JournalRange? PrunableJournal = null);

/// <summary>Sequence numbers of ledger journal events, both ends included.</summary>
public sealed record JournalRange(long From, long To);

/// <summary>
/// Keeps the read table within its retention: bodies (and their searchable text) go after
/// <c>bodyDays</c>, whole rows after <c>metadataDays</c>. Works in small transactions so the
/// journal writer never waits long for the file lock.
/// </summary>
public static class RequestsRetention
{
    private const int Chunk = 2000;

    public static RetentionResult Run(string connectionString, DateTimeOffset now, int bodyDays, int metadataDays)
    {
        using var connection = LedgerDatabase.Open(connectionString);
        var rowsDeleted = 0;
        var bodiesCleared = 0;
        if (metadataDays > 0)
        {
            var cutoff = now.AddDays(-metadataDays).ToUnixTimeMilliseconds();
            rowsDeleted = InChunks(connection, cutoff, """
                CREATE TEMP TABLE IF NOT EXISTS retention_chunk (seq INTEGER PRIMARY KEY);
                DELETE FROM retention_chunk;
                INSERT INTO retention_chunk SELECT seq FROM requests WHERE received_at < $cutoff ORDER BY received_at LIMIT $chunk;
                DELETE FROM requests_fts WHERE rowid IN (SELECT seq FROM retention_chunk);
                DELETE FROM requests WHERE seq IN (SELECT seq FROM retention_chunk);
                SELECT count(*) FROM retention_chunk;
                """);
        }
        if (bodyDays > 0)
        {
            var cutoff = now.AddDays(-bodyDays).ToUnixTimeMilliseconds();
            // The search text is made of the bodies, so it goes with them; the request id stays searchable.
            bodiesCleared = InChunks(connection, cutoff, """
                CREATE TEMP TABLE IF NOT EXISTS retention_chunk (seq INTEGER PRIMARY KEY);
                DELETE FROM retention_chunk;
                INSERT INTO retention_chunk SELECT seq FROM requests
                    WHERE received_at < $cutoff AND (request_body IS NOT NULL OR response_body IS NOT NULL)
                    ORDER BY received_at LIMIT $chunk;
                UPDATE requests SET request_body = NULL, response_body = NULL WHERE seq IN (SELECT seq FROM retention_chunk);
                UPDATE requests_fts SET request_text = '', response_text = '' WHERE rowid IN (SELECT seq FROM retention_chunk);
                SELECT count(*) FROM retention_chunk;
                """);
        }
        var prunable = bodyDays > 0 ? PrunableJournal(connection, now.AddDays(-bodyDays)) : null;
        return new RetentionResult(bodiesCleared, rowsDeleted, prunable);
    }

    /// <summary>
    /// Journal events the projection has applied and that were written before
    /// <paramref name="cutoff"/>: the read table has them, and their bodies are past retention,
    /// so the journal need not keep them. Reads Akka.Persistence.Sql's default <c>journal</c>
    /// table (<c>created</c> is in .NET ticks, UTC); null when there is nothing to prune or no
    /// journal yet.
    /// </summary>
    internal static JournalRange? PrunableJournal(SqliteConnection connection, DateTimeOffset cutoff)
    {
        using var command = connection.CreateCommand();
        // Ordering, sequence number and time all grow together (one writer), so walking back
        // from the projected offset stops at the first old-enough row.
        command.CommandText = """
            SELECT
              (SELECT min(sequence_number) FROM journal WHERE persistence_id = $pid),
              (SELECT sequence_number FROM journal
                 WHERE ordering <= coalesce((SELECT offset_value FROM projection_offsets WHERE projection = $projection), 0)
                   AND persistence_id = $pid AND created < $cutoff
                 ORDER BY ordering DESC LIMIT 1);
            """;
        command.Parameters.AddWithValue("$pid", OaiRouter.Actors.Ledger.LedgerJournal.PersistenceId);
        command.Parameters.AddWithValue("$projection", RequestsSchema.RequestsProjection);
        command.Parameters.AddWithValue("$cutoff", cutoff.UtcTicks);
        try
        {
            using var reader = command.ExecuteReader();
            if (!reader.Read() || reader.IsDBNull(0) || reader.IsDBNull(1))
            {
                return null;
            }
            var from = reader.GetInt64(0);
            var to = reader.GetInt64(1);
            return to >= from ? new JournalRange(from, to) : null;
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return null;
        }
    }

    private static int InChunks(SqliteConnection connection, long cutoff, string sql)
    {
        var total = 0;
        while (true)
        {
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$cutoff", cutoff);
            command.Parameters.AddWithValue("$chunk", Chunk);
            var count = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            transaction.Commit();
            total += count;
            if (count < Chunk)
            {
                return total;
            }
        }
    }
}
