using Microsoft.Data.Sqlite;
using OaiRouter.Actors.Ledger;

namespace OaiRouter.Tracking.Storage;

/// <summary>Opens the Ledger's SQLite file (journal and read tables) the way every writer here needs it.</summary>
public static class LedgerDatabase
{
    /// <summary>
    /// Start-up check: opens the file of <paramref name="connectionString"/>, switches it to WAL
    /// (readers never block the journal writer), applies <see cref="RequestsSchema"/> and writes to
    /// it once. Throws <see cref="InvalidOperationException"/> naming <c>DATABASE_URL</c> and the
    /// path when any of that fails, so a bad database stops start-up instead of the first request.
    /// </summary>
    public static void EnsureWritable(string connectionString)
    {
        var path = PathOf(connectionString);
        try
        {
            if (Path.GetDirectoryName(path) is { Length: > 0 } directory && !Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"the directory {directory} does not exist");
            }
            using var connection = Open(connectionString);
            EnableWal(connection);
            ApplySchema(connection);
            using var transaction = connection.BeginTransaction();
            using var write = connection.CreateCommand();
            write.Transaction = transaction;
            // A real write: a read-only file or a full disk fails here, not on the first request.
            write.CommandText = $"PRAGMA user_version = {RequestsSchema.Version};";
            write.ExecuteNonQuery();
            transaction.Commit();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"DATABASE_URL names {path}, which cannot be opened and written: {ex.Message}", ex);
        }
    }

    /// <summary>The file a connection string points at (as given, when it is not a file path).</summary>
    public static string PathOf(string connectionString)
    {
        try
        {
            var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
            return string.IsNullOrWhiteSpace(dataSource) ? connectionString : Path.GetFullPath(dataSource);
        }
        catch (ArgumentException)
        {
            return connectionString;
        }
    }

    /// <summary>An open connection from the pool that waits for the file lock as the journal's do.</summary>
    internal static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            LedgerRegistration.PrepareConnection(connection, LedgerRegistration.BusyTimeout(connectionString));
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>WAL is a property of the file: once set it stays, for every connection.</summary>
    internal static void EnableWal(SqliteConnection connection)
    {
        using var wal = connection.CreateCommand();
        wal.CommandText = "PRAGMA journal_mode=WAL;";
        wal.ExecuteScalar();
    }

    internal static void ApplySchema(SqliteConnection connection)
    {
        using var schema = connection.CreateCommand();
        schema.CommandText = RequestsSchema.CreateSql;
        schema.ExecuteNonQuery();
    }
}
