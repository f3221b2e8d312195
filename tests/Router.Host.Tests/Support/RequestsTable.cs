using Microsoft.Data.Sqlite;

namespace OaiRouter.Host.Tests.Support;

/// <summary>Reads the router's <c>requests</c> read table straight from its SQLite file.</summary>
internal static class RequestsTable
{
    public static string DatabasePath(TestRouter router) => Path.Combine(router.Directory, "oai_router.db");

    public static List<Dictionary<string, object?>> Rows(string databasePath, string where = "1=1")
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM requests WHERE {where}";
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Waits, with a bound, until every id has a finished row.</summary>
    public static async Task<Dictionary<string, Dictionary<string, object?>>> WaitForFinishedAsync(
        string databasePath, IReadOnlyCollection<string> ids, TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        while (true)
        {
            var rows = Rows(databasePath, "outcome <> 'received'")
                .Where(r => ids.Contains((string)r["request_id"]!))
                .ToDictionary(r => (string)r["request_id"]!);
            if (rows.Count == ids.Count || cts.IsCancellationRequested)
            {
                return rows;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Every text the database file holds, journal included, for secret hunting.</summary>
    public static string AllText(string databasePath)
    {
        var bytes = File.ReadAllBytes(databasePath);
        var wal = databasePath + "-wal";
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        return File.Exists(wal) ? text + System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(wal)) : text;
    }
}
