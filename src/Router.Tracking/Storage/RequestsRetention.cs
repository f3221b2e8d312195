using Microsoft.Data.Sqlite;

namespace OaiRouter.Tracking.Storage;

/// <summary>What one retention pass removed.</summary>
public sealed record RetentionResult(int BodiesCleared, int RowsDeleted);

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
        return new RetentionResult(bodiesCleared, rowsDeleted);
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
