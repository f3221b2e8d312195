using OaiRouter.Tracking.Projection;
using OaiRouter.Tracking.Storage;
using OaiRouter.Tracking.Tests.Projection;

namespace OaiRouter.Tracking.Tests.Storage;

public sealed class RequestsRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2025-06-01T00:00:00+00:00");

    private readonly TempDatabase _db = TempDatabase.Ready();

    public void Dispose() => _db.Dispose();

    private void Record(string id, DateTimeOffset at, string words)
    {
        var writer = new RequestsProjectionWriter(_db.ConnectionString);
        writer.Apply([
            new ProjectedEvent(1, LedgerEventsFactory.Received(id, at, words)),
            new ProjectedEvent(2, LedgerEventsFactory.Finished(id, at.AddSeconds(1), words + " reply")),
        ]);
    }

    [Fact]
    public void OldBodies_AndOlderRows_GoAway_RecentOnesStay()
    {
        Record("fresh", Now.AddDays(-1), "freshword");
        Record("old-body", Now.AddDays(-40), "oldbodyword");
        Record("ancient", Now.AddDays(-400), "ancientword");

        var result = RequestsRetention.Run(_db.ConnectionString, Now, bodyDays: 30, metadataDays: 365);

        Assert.Equal(new RetentionResult(BodiesCleared: 1, RowsDeleted: 1), result);
        Assert.Equal(2L, _db.Scalar<long>("SELECT count(*) FROM requests"));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests WHERE request_id = 'ancient'"));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'ancientword'"));
        Assert.Equal(2L, _db.Scalar<long>("SELECT count(*) FROM requests_fts"));

        var old = _db.Row("SELECT * FROM requests WHERE request_id = 'old-body'")!;
        Assert.Null(old["request_body"]);
        Assert.Null(old["response_body"]);
        Assert.Equal(0.0012, old["cost_usd"]); // metadata stays
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'oldbodyword'"));
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'request_id:\"old-body\"'"));

        var fresh = _db.Row("SELECT * FROM requests WHERE request_id = 'fresh'")!;
        Assert.NotNull(fresh["request_body"]);
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'freshword'"));

        Assert.Equal(new RetentionResult(0, 0), RequestsRetention.Run(_db.ConnectionString, Now, 30, 365));
    }

    [Fact]
    public void ManyOldRows_AreDeletedInChunks()
    {
        var writer = new RequestsProjectionWriter(_db.ConnectionString);
        writer.Apply(Enumerable.Range(0, 2500)
            .Select(i => new ProjectedEvent(i + 1, LedgerEventsFactory.Received($"r{i}", Now.AddDays(-500))))
            .ToList());

        Assert.Equal(new RetentionResult(0, 2500), RequestsRetention.Run(_db.ConnectionString, Now, 30, 365));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests"));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests_fts"));
    }
}
