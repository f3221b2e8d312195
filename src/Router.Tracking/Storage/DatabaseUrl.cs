using Microsoft.Data.Sqlite;

namespace OaiRouter.Tracking.Storage;

/// <summary>
/// Maps the seed's SQLAlchemy-style <c>DATABASE_URL</c> onto a SQLite connection string:
/// <c>sqlite+aiosqlite:///./oai_router.db</c>, <c>sqlite:///relative.db</c> (relative to the
/// working directory) and <c>sqlite:////absolute/path.db</c>. A bare file path is accepted too.
/// </summary>
public static class DatabaseUrl
{
    public const string Default = "sqlite+aiosqlite:///./oai_router.db";

    /// <summary>The database file's full path, or an error that names <c>DATABASE_URL</c>.</summary>
    public static bool TryParse(string? url, string baseDirectory, out string filePath, out string error)
    {
        filePath = "";
        error = "";
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "DATABASE_URL is empty; use e.g. sqlite:///./oai_router.db.";
            return false;
        }

        var value = url.Trim();
        string path;
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var dialect = value[..scheme];
            if (dialect is not ("sqlite" or "sqlite+aiosqlite" or "sqlite+pysqlite"))
            {
                error = $"DATABASE_URL '{url}' is not a SQLite URL; only sqlite:/// forms are supported.";
                return false;
            }
            var rest = value[(scheme + 3)..];
            if (!rest.StartsWith('/'))
            {
                error = $"DATABASE_URL '{url}' must have three slashes (sqlite:///file.db) or four for an absolute path.";
                return false;
            }
            // "sqlite:///x" leaves "/x": one slash is the separator, what follows is the path.
            path = rest[1..];
            var query = path.IndexOf('?');
            if (query >= 0)
            {
                path = path[..query];
            }
        }
        else
        {
            path = value;
        }

        if (string.IsNullOrWhiteSpace(path) || path == ":memory:")
        {
            error = $"DATABASE_URL '{url}' names no database file.";
            return false;
        }

        filePath = Path.GetFullPath(path, baseDirectory);
        return true;
    }

    /// <summary>The connection string for the file a valid URL names.</summary>
    public static string ToConnectionString(string url, string baseDirectory)
    {
        if (!TryParse(url, baseDirectory, out var path, out var error))
        {
            throw new ArgumentException(error, nameof(url));
        }
        return new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
        }.ToString();
    }
}
