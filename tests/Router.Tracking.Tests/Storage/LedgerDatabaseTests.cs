using OaiRouter.Tracking.Storage;

namespace OaiRouter.Tracking.Tests.Storage;

public sealed class LedgerDatabaseTests
{
    [Fact]
    public void NewFile_GetsTheSchemaInWalMode()
    {
        using var db = new TempDatabase();
        LedgerDatabase.EnsureWritable(db.ConnectionString);

        Assert.Equal("wal", db.Scalar<string>("PRAGMA journal_mode"));
        Assert.Equal(RequestsSchema.Version, db.Scalar<long>("PRAGMA user_version"));
        Assert.Equal(0L, db.Scalar<long>("SELECT count(*) FROM requests"));
        Assert.Equal(0L, db.Scalar<long>("SELECT count(*) FROM requests_fts"));
        Assert.Equal(0L, db.Scalar<long>("SELECT count(*) FROM projection_offsets"));

        LedgerDatabase.EnsureWritable(db.ConnectionString); // again: nothing to do, no error
    }

    [Fact]
    public void MissingDirectory_StopsStartUpNamingDatabaseUrl()
    {
        using var db = new TempDatabase();
        var path = Path.Combine(db.Directory, "no-such-dir", "ledger.db");
        var ex = Assert.Throws<InvalidOperationException>(() => LedgerDatabase.EnsureWritable($"Data Source={path}"));
        Assert.Contains("DATABASE_URL", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void PathThatIsADirectory_StopsStartUpNamingDatabaseUrl()
    {
        using var db = new TempDatabase();
        var ex = Assert.Throws<InvalidOperationException>(() => LedgerDatabase.EnsureWritable($"Data Source={db.Directory}"));
        Assert.Contains("DATABASE_URL", ex.Message);
        Assert.Contains(db.Directory, ex.Message);
    }

    [Fact]
    public void FileThatIsNotADatabase_StopsStartUpNamingDatabaseUrl()
    {
        using var db = new TempDatabase();
        File.WriteAllText(db.FilePath, new string('x', 4096));
        var ex = Assert.Throws<InvalidOperationException>(() => LedgerDatabase.EnsureWritable(db.ConnectionString));
        Assert.Contains("DATABASE_URL", ex.Message);
        Assert.Contains(db.FilePath, ex.Message);
    }

    [Fact]
    public void ReadOnlyConnection_StopsStartUpNamingDatabaseUrl()
    {
        using var db = TempDatabase.Ready();
        var ex = Assert.Throws<InvalidOperationException>(() =>
            LedgerDatabase.EnsureWritable($"Data Source={db.FilePath};Mode=ReadOnly"));
        Assert.Contains("DATABASE_URL", ex.Message);
    }
}
