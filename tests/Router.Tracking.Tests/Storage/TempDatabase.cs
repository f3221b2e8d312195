using Microsoft.Data.Sqlite;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Tracking.Tests.Storage;

/// <summary>A SQLite file in a directory of its own, deleted with the test.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "oai-ledger-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "ledger.db");
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>Schema applied and WAL on, as start-up leaves it.</summary>
    public static TempDatabase Ready()
    {
        var db = new TempDatabase();
        LedgerDatabase.EnsureWritable(db.ConnectionString);
        return db;
    }

    public T Scalar<T>(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = command.ExecuteScalar();
        return result is null or DBNull ? default! : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>One row as column name → value (DBNull becomes null); null when there is no row.</summary>
    public Dictionary<string, object?>? Row(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        var row = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }
        return row;
    }

    public void Execute(string sql)
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection of a host still stopping; the temp dir is cleaned by the OS.
        }
    }
}
