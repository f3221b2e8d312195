using System.Net.Http.Headers;
using System.Text;
using Akka.Actor;
using OaiRouter.Actors.Ledger;
using OaiRouter.FakeOpenRouter;
using OaiRouter.Tracking.Projection;
using OaiRouter.Tracking.Storage;
using OaiRouter.Tracking.Tests.Storage;

namespace OaiRouter.Tracking.Tests.Projection;

/// <summary>Events told to the Ledger, through the SQLite journal and the projection, into <c>requests</c>.</summary>
public sealed class LedgerProjectionActorTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-5);

    private readonly TempDatabase _db = TempDatabase.Ready();

    public void Dispose() => _db.Dispose();

    private long Count(string where = "1=1") => _db.Scalar<long>($"SELECT count(*) FROM requests WHERE {where}");

    [Fact]
    public async Task ToldEvents_AppearInRequestsWithEveryField()
    {
        await using var host = await LedgerTestHost.StartAsync(LedgerTestHost.Settings(_db.ConnectionString));
        host.Ledger.Tell(LedgerEventsFactory.Received("req-ok", T0));
        host.Ledger.Tell(LedgerEventsFactory.Finished("req-ok", T0.AddMilliseconds(420)) with { MediaJson = """[{"kind":"image"}]""" });
        host.Ledger.Tell(LedgerEventsFactory.Received("req-bad", T0) with { Stream = true, KeyLabel = null });
        host.Ledger.Tell(new RequestFinished("req-bad", T0.AddSeconds(1), RequestFinished.Failed, 502, "upstream_error",
            "Bad gateway", null, null, null, null, null, null, null, null, null, null, 1000, null, 2, 0, 80, 3, null, null));

        await Eventually.TrueAsync(() => Count("outcome <> 'received'") == 2, "both requests finished");

        var ok = _db.Row("SELECT * FROM requests WHERE request_id = 'req-ok'")!;
        Assert.Equal(T0.ToUnixTimeMilliseconds(), ok["received_at"]);
        Assert.Equal(T0.AddMilliseconds(420).ToUnixTimeMilliseconds(), ok["finished_at"]);
        Assert.Equal("/v1/chat/completions", ok["endpoint"]);
        Assert.Equal("team-a", ok["key_label"]);
        Assert.Equal("openai/gpt-4o-mini", ok["model_requested"]);
        Assert.Equal("openai/gpt-4o-mini", ok["model_routed"]);
        Assert.Equal("openai/gpt-4o-mini-2024", ok["model_answered"]);
        Assert.Equal("requested", ok["routing_reason"]);
        Assert.Equal(0L, ok["stream"]);
        Assert.Equal("completed", ok["outcome"]);
        Assert.Equal(200L, ok["status"]);
        Assert.Null(ok["error_type"]);
        Assert.Null(ok["error_message"]);
        Assert.Equal("gen-1", ok["generation_id"]);
        Assert.Equal(11L, ok["prompt_tokens"]);
        Assert.Equal(7L, ok["completion_tokens"]);
        Assert.Equal(18L, ok["total_tokens"]);
        Assert.Equal(2L, ok["cached_tokens"]);
        Assert.Equal(1L, ok["reasoning_tokens"]);
        Assert.Equal(0.0012, ok["cost_usd"]);
        Assert.Equal("response", ok["cost_source"]);
        Assert.Equal(420.5, ok["latency_ms"]);
        Assert.Equal(300.25, ok["upstream_ttfb_ms"]);
        Assert.Equal(3.5, ok["overhead_ms"]);
        Assert.Equal(0.0, ok["media_ms"]);
        Assert.Equal(123L, ok["bytes_in"]);
        Assert.Equal(456L, ok["bytes_out"]);
        Assert.Equal("stop", ok["finish_reason"]);
        Assert.Equal(1L, ok["attempts"]);
        Assert.Contains("hello there", (string)ok["request_body"]!);
        Assert.Contains("general kenobi", (string)ok["response_body"]!);
        Assert.Equal("""[{"kind":"image"}]""", ok["media_json"]);

        var bad = _db.Row("SELECT * FROM requests WHERE request_id = 'req-bad'")!;
        Assert.Equal("failed", bad["outcome"]);
        Assert.Equal(502L, bad["status"]);
        Assert.Equal("upstream_error", bad["error_type"]);
        Assert.Equal("Bad gateway", bad["error_message"]);
        Assert.Equal(1L, bad["stream"]);
        Assert.Null(bad["key_label"]);
        Assert.Null(bad["cost_usd"]);
        Assert.Null(bad["cost_source"]);
        Assert.Null(bad["response_body"]);
        Assert.Null(bad["upstream_ttfb_ms"]);
        Assert.Equal(3L, bad["attempts"]);
    }

    [Fact]
    public async Task Fts_FindsWordsFromTheRequestAndTheResponse()
    {
        await using var host = await LedgerTestHost.StartAsync(LedgerTestHost.Settings(_db.ConnectionString));
        host.Ledger.Tell(LedgerEventsFactory.Received("req-fts", T0, "tell me about the zephyrous wind"));
        host.Ledger.Tell(LedgerEventsFactory.Finished("req-fts", T0.AddSeconds(1), "quokkas are marsupials"));
        host.Ledger.Tell(LedgerEventsFactory.Received("req-other", T0, "something else entirely"));
        await Eventually.TrueAsync(() => Count("outcome = 'completed'") == 1 && Count() == 2, "rows projected");

        var seq = _db.Scalar<long>("SELECT seq FROM requests WHERE request_id = 'req-fts'");
        Assert.Equal(seq, _db.Scalar<long>("SELECT rowid FROM requests_fts WHERE requests_fts MATCH 'zephyrous'"));
        Assert.Equal(seq, _db.Scalar<long>("SELECT rowid FROM requests_fts WHERE requests_fts MATCH 'quokkas'"));
        Assert.Equal(seq, _db.Scalar<long>("SELECT rowid FROM requests_fts WHERE requests_fts MATCH 'request_text:zephyrous AND response_text:marsupials'"));
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'entirely'"));
        // Keys of the JSON are not words of the conversation.
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM requests_fts WHERE requests_fts MATCH 'assistant'"));
        Assert.Equal(2L, _db.Scalar<long>("SELECT count(*) FROM requests_fts"));
    }

    [Fact]
    public async Task Restart_ResumesFromTheStoredOffset_WithoutReplayOrDuplicates()
    {
        var settings = LedgerTestHost.Settings(_db.ConnectionString);
        long firstLastSequenceNr;
        await using (var first = await LedgerTestHost.StartAsync(settings))
        {
            for (var i = 0; i < 10; i++)
            {
                first.Ledger.Tell(LedgerEventsFactory.Received($"old-{i}", T0, $"word{i}"));
                first.Ledger.Tell(LedgerEventsFactory.Finished($"old-{i}", T0.AddSeconds(1)));
            }
            await Eventually.TrueAsync(() => Count("outcome = 'completed'") == 10, "first run projected");
            await Eventually.TrueAsync(async () => (await first.ProjectionStatusAsync()).EventsApplied == 20, "first run applied 20");
            firstLastSequenceNr = (await first.StatusAsync()).LastSequenceNr;
            Assert.Equal(20, firstLastSequenceNr);
        }
        var storedOffset = _db.Scalar<long>("SELECT offset_value FROM projection_offsets WHERE projection = 'requests'");
        Assert.True(storedOffset >= 20);

        await using var second = await LedgerTestHost.StartAsync(settings);
        var status = await second.ReadyStatusAsync();
        Assert.Equal(0, status.RecoveredEvents);
        Assert.Equal(firstLastSequenceNr, status.LastSequenceNr);

        second.Ledger.Tell(LedgerEventsFactory.Received("new-0", T0, "fresh"));
        await Eventually.TrueAsync(() => Count() == 11, "new event projected");
        await second.Ledger.Ask<LedgerFlushed>(FlushLedger.Instance, TimeSpan.FromSeconds(10));

        Assert.Equal(firstLastSequenceNr + 1, (await second.StatusAsync()).LastSequenceNr);
        Assert.Equal(1, (await second.ProjectionStatusAsync()).EventsApplied);
        Assert.Equal(11L, _db.Scalar<long>("SELECT count(*) FROM requests_fts"));
        Assert.True(_db.Scalar<long>("SELECT offset_value FROM projection_offsets WHERE projection = 'requests'") > storedOffset);
    }

    [Fact]
    public async Task Shutdown_FlushesEveryPendingEvent()
    {
        var settings = LedgerTestHost.Settings(_db.ConnectionString);
        await using (var first = await LedgerTestHost.StartAsync(settings))
        {
            for (var i = 0; i < 500; i++)
            {
                first.Ledger.Tell(LedgerEventsFactory.Received($"r-{i}", T0));
            }
            // No wait: the shutdown itself must get them to the journal.
            await first.StopAsync();
        }

        await using var second = await LedgerTestHost.StartAsync(settings);
        Assert.Equal(500, (await second.ReadyStatusAsync()).LastSequenceNr);
        await Eventually.TrueAsync(() => Count() == 500, "all 500 projected after restart");
    }

    [Fact]
    public async Task Burst_OfTwoThousandEvents_AllLand()
    {
        await using var host = await LedgerTestHost.StartAsync(LedgerTestHost.Settings(_db.ConnectionString));
        for (var i = 0; i < 1000; i++)
        {
            host.Ledger.Tell(LedgerEventsFactory.Received($"b-{i}", T0, $"burst {i}"));
            host.Ledger.Tell(LedgerEventsFactory.Finished($"b-{i}", T0.AddSeconds(1)));
        }
        await Eventually.TrueAsync(() => Count("outcome = 'completed'") == 1000, "1000 finished rows", TimeSpan.FromSeconds(60));
        Assert.Equal(1000L, Count());
        Assert.Equal(1000L, _db.Scalar<long>("SELECT count(*) FROM requests_fts"));
        Assert.Equal(2000, (await host.StatusAsync()).LastSequenceNr);
    }

    [Fact]
    public async Task MissingCost_IsReconciledFromGeneration()
    {
        await using var fake = await FakeOpenRouterServer.StartAsync();
        var generationId = await CreateGenerationAsync(fake);
        var settings = LedgerTestHost.Settings(_db.ConnectionString) with
        {
            OpenRouterBaseUrl = fake.BaseUrl.ToString(),
            OpenRouterApiKey = "sk-or-v1-ledger-test",
        };
        await using var host = await LedgerTestHost.StartAsync(settings);
        host.Ledger.Tell(LedgerEventsFactory.Received("req-cut", T0));
        host.Ledger.Tell(LedgerEventsFactory.Finished("req-cut", T0.AddSeconds(1), cost: null, generationId: generationId) with
        {
            Outcome = RequestFinished.Cancelled,
            PromptTokens = null,
            CompletionTokens = null,
            TotalTokens = null,
            ReasoningTokens = null,
            CachedTokens = null,
        });

        await Eventually.TrueAsync(() => _db.Scalar<string?>("SELECT cost_source FROM requests WHERE request_id = 'req-cut'") == "generation",
            "cost reconciled");
        var row = _db.Row("SELECT * FROM requests WHERE request_id = 'req-cut'")!;
        Assert.Equal(0.00042, row["cost_usd"]);
        Assert.Equal("cancelled", row["outcome"]);
        Assert.Equal(11L, row["prompt_tokens"]);
        Assert.Equal(7L, row["completion_tokens"]);
        Assert.Equal(18L, row["total_tokens"]);
        Assert.Equal(1L, row["reasoning_tokens"]);
        Assert.Equal(2L, row["cached_tokens"]);
        Assert.True(fake.GenerationCalls >= 1);
    }

    [Fact]
    public async Task KnownCost_IsNotLookedUp()
    {
        await using var fake = await FakeOpenRouterServer.StartAsync();
        var settings = LedgerTestHost.Settings(_db.ConnectionString) with
        {
            OpenRouterBaseUrl = fake.BaseUrl.ToString(),
            OpenRouterApiKey = "sk-or-v1-ledger-test",
        };
        await using var host = await LedgerTestHost.StartAsync(settings);
        host.Ledger.Tell(LedgerEventsFactory.Received("req-paid", T0));
        host.Ledger.Tell(LedgerEventsFactory.Finished("req-paid", T0.AddSeconds(1)));
        await Eventually.TrueAsync(() => Count("outcome = 'completed'") == 1, "row finished");
        await host.Ledger.Ask<LedgerFlushed>(FlushLedger.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(0, fake.GenerationCalls);
        Assert.Equal("response", _db.Scalar<string>("SELECT cost_source FROM requests"));
    }

    [Fact]
    public async Task Retention_ClearsOldBodies_AndPrunesTheJournalBehindTheProjection()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        var settings = LedgerTestHost.Settings(_db.ConnectionString);
        await using (var host = await LedgerTestHost.StartAsync(settings, time: clock))
        {
            for (var i = 0; i < 10; i++)
            {
                host.Ledger.Tell(LedgerEventsFactory.Received($"p-{i}", clock.GetUtcNow(), "prunable words"));
                host.Ledger.Tell(LedgerEventsFactory.Finished($"p-{i}", clock.GetUtcNow()));
            }
            await Eventually.TrueAsync(async () => (await host.ProjectionStatusAsync()).EventsApplied == 20, "20 applied");
            // The journal writes its own timestamp (.NET ticks, UTC), which pruning compares with.
            Assert.InRange(_db.Scalar<long>("SELECT max(created) FROM journal"),
                DateTime.UtcNow.AddMinutes(-5).Ticks, DateTime.UtcNow.AddMinutes(5).Ticks);

            clock.Now = clock.Now.AddDays(settings.BodyRetentionDays + 1);
            var result = await host.Retention.Ask<RetentionResult>(RunRetention.Instance, TimeSpan.FromSeconds(20));

            Assert.Equal(10, result.BodiesCleared);
            Assert.Equal(0, result.RowsDeleted);
            Assert.Equal(new JournalRange(1, 20), result.PrunableJournal);
            await Eventually.TrueAsync(() => _db.Scalar<long>("SELECT count(*) FROM journal WHERE deleted = 0") == 0, "journal pruned");
            Assert.Equal(0L, Count("request_body IS NOT NULL"));
            Assert.Equal(10L, Count());
        }

        await using var restarted = await LedgerTestHost.StartAsync(settings, time: clock);
        Assert.Equal(20, (await restarted.ReadyStatusAsync()).LastSequenceNr);
        restarted.Ledger.Tell(LedgerEventsFactory.Received("after-prune", clock.GetUtcNow()));
        await Eventually.TrueAsync(() => Count() == 11, "new event projected after pruning");
        await restarted.Ledger.Ask<LedgerFlushed>(FlushLedger.Instance, TimeSpan.FromSeconds(10));
        Assert.Equal(21, (await restarted.StatusAsync()).LastSequenceNr);
    }

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static async Task<string> CreateGenerationAsync(FakeOpenRouterServer fake)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, fake.BaseUrl + "/chat/completions")
        {
            Content = new StringContent("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-or-v1-ledger-test");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("X-Generation-Id").Single();
    }
}
