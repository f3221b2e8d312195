using OaiRouter.Actors.Ledger;
using OaiRouter.Tracking.Projection;
using OaiRouter.Tracking.Tests.Storage;

namespace OaiRouter.Tracking.Tests.Projection;

/// <summary>The projection's SQL on a real SQLite file, without Akka.</summary>
public sealed class RequestsProjectionWriterTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2025-06-01T12:00:00+00:00");

    private readonly TempDatabase _db = TempDatabase.Ready();
    private readonly RequestsProjectionWriter _writer;

    public RequestsProjectionWriterTests() => _writer = new RequestsProjectionWriter(_db.ConnectionString);

    public void Dispose() => _db.Dispose();

    private static List<ProjectedEvent> Batch(params object[] events) =>
        events.Select((e, i) => new ProjectedEvent(i + 1, e)).ToList();

    [Fact]
    public void FinishBeforeStart_EndsAsOneCompleteRow()
    {
        _writer.Apply(Batch(
            LedgerEventsFactory.Finished("r1", T0.AddSeconds(1), "the answer"),
            LedgerEventsFactory.Received("r1", T0, "the question")));

        var row = _db.Row("SELECT * FROM requests")!;
        Assert.Equal("completed", row["outcome"]);
        Assert.Equal("/v1/chat/completions", row["endpoint"]);
        Assert.Equal(T0.ToUnixTimeMilliseconds(), row["received_at"]);
        Assert.Equal(0.0012, row["cost_usd"]);
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'question AND answer'"));
    }

    [Fact]
    public void StartAndEndInOneBatch_WriteTheSameRowAsInTwoBatches()
    {
        _writer.Apply(Batch(
            LedgerEventsFactory.Received("together", T0, "blue question"),
            LedgerEventsFactory.Received("other", T0),
            LedgerEventsFactory.Finished("together", T0.AddSeconds(1), "green answer")));
        _writer.Apply([new ProjectedEvent(10, LedgerEventsFactory.Received("apart", T0, "blue question"))]);
        _writer.Apply([new ProjectedEvent(11, LedgerEventsFactory.Finished("apart", T0.AddSeconds(1), "green answer"))]);

        var together = _db.Row("SELECT * FROM requests WHERE request_id = 'together'")!;
        var apart = _db.Row("SELECT * FROM requests WHERE request_id = 'apart'")!;
        Assert.Equal("completed", together["outcome"]);
        foreach (var column in apart.Keys.Where(k => k is not ("seq" or "request_id")))
        {
            Assert.True(Equals(apart[column], together[column]), $"{column}: {apart[column]} apart, {together[column]} together");
        }
        Assert.Equal(2L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'blue AND green'"));
        Assert.Equal(3L, _db.Scalar<long>("SELECT count(*) FROM requests_fts"));
    }

    [Fact]
    public void StartAndEndInOneBatch_ForARowThatExists_UpdateIt()
    {
        _writer.Apply(Batch(LedgerEventsFactory.Received("r1", T0, "first question")));
        _writer.Apply(Batch(
            LedgerEventsFactory.Received("r1", T0, "second question"),
            LedgerEventsFactory.Finished("r1", T0.AddSeconds(1), "the answer")));

        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests"));
        Assert.Equal("completed", _db.Row("SELECT outcome FROM requests")!["outcome"]);
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'second AND answer'"));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'first'"));
    }

    [Fact]
    public void EventsSeenTwice_LeaveOneRowAndOneSearchRow()
    {
        var events = Batch(
            LedgerEventsFactory.Received("r1", T0),
            LedgerEventsFactory.Finished("r1", T0.AddSeconds(1)));
        _writer.Apply(events);
        _writer.Apply(events);

        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests"));
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests_fts"));
        Assert.Equal(_db.Scalar<long>("SELECT seq FROM requests"), _db.Scalar<long>("SELECT rowid FROM requests_fts"));
    }

    [Fact]
    public void Reconciled_SetsCostAndSource_AndFillsOnlyMissingTokens()
    {
        _writer.Apply(Batch(
            LedgerEventsFactory.Received("r1", T0),
            LedgerEventsFactory.Finished("r1", T0.AddSeconds(1), cost: null) with { CompletionTokens = null, TotalTokens = null },
            new CostReconciled("r1", T0.AddSeconds(5), "gen-1", 0.003, 99, 7, 1, 2, CostSources.Generation)));

        var row = _db.Row("SELECT * FROM requests")!;
        Assert.Equal(0.003, row["cost_usd"]);
        Assert.Equal("generation", row["cost_source"]);
        Assert.Equal(11L, row["prompt_tokens"]); // the response's own count stays
        Assert.Equal(7L, row["completion_tokens"]);
        Assert.Equal(18L, row["total_tokens"]);
    }

    [Fact]
    public void Offset_IsStoredWithTheBatch_AndNeverGoesBack()
    {
        Assert.Equal(0, _writer.ReadOffset());
        _writer.Apply([new ProjectedEvent(41, LedgerEventsFactory.Received("r1", T0)), new ProjectedEvent(42, LedgerEventsFactory.Received("r2", T0))]);
        Assert.Equal(42, _writer.ReadOffset());
        _writer.Apply([new ProjectedEvent(7, LedgerEventsFactory.Received("r3", T0))]);
        Assert.Equal(42, _writer.ReadOffset());
    }

    [Fact]
    public void UnknownEvents_AreSkipped_ButTheirOffsetCounts()
    {
        Assert.Equal(0, _writer.Apply([new ProjectedEvent(5, "not a ledger event")]));
        Assert.Equal(5, _writer.ReadOffset());
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests"));
    }
}
