using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Tests.Queries;

public sealed class RequestStoreTests : IDisposable
{
    private readonly TrackingDb _db = new();

    public void Dispose() => _db.Dispose();

    /// <summary>
    /// Thresholds that drive every plan over a few rows. 2: filtered lists walk indexes in sort
    /// order, searches are checked per batch or per row, time ranges are walked. 100 000: few
    /// enough rows to sort outright, searches collected, time ranges ranked.
    /// </summary>
    public static TheoryData<int> Limits => [2, 100_000];

    private RequestStore Store(int limit = RequestStore.DefaultSmallSetLimit) =>
        limit == 2 ? new(_db.ConnectionString, 2, 5, 2) : new(_db.ConnectionString, limit, 100_000, 100_000);

    private static object SortValue(TestRow r, SortColumn column) => column switch
    {
        SortColumn.Time => r.ReceivedAt,
        SortColumn.Model => r.ModelRequested ?? "",
        SortColumn.Endpoint => r.Endpoint,
        SortColumn.Status => (long)(r.Status ?? -1),
        SortColumn.Tokens => r.TotalTokens ?? -1,
        SortColumn.Cost => r.CostUsd ?? -1.0,
        SortColumn.Latency => r.LatencyMs ?? -1.0,
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    private static int Compare(object a, object b) => a is string sa ? string.CompareOrdinal(sa, (string)b) : Comparer<object>.Default.Compare(a, b);

    private static List<long> Expected(IEnumerable<TestRow> rows, SortColumn column, SortDirection direction)
    {
        var list = rows.ToList();
        list.Sort((x, y) =>
        {
            var c = Compare(SortValue(x, column), SortValue(y, column));
            if (c == 0)
            {
                c = x.Seq.CompareTo(y.Seq);
            }
            return direction == SortDirection.Asc ? c : -c;
        });
        return [.. list.Select(r => r.Seq)];
    }

    private static async Task<List<List<long>>> WalkForward(RequestStore store, RequestQuery query)
    {
        var pages = new List<List<long>>();
        var q = query;
        for (var guard = 0; guard < 1000; guard++)
        {
            var page = await store.ListAsync(q);
            pages.Add([.. page.Rows.Select(r => r.Seq)]);
            if (guard == 0)
            {
                Assert.Null(page.PreviousCursor);
            }
            if (page.NextCursor is null)
            {
                return pages;
            }
            q = q with { After = page.NextCursor, Before = null };
        }
        throw new InvalidOperationException("Paging did not end.");
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task EverySortBothWays_PagesForwardAndBackWithoutGapsOrDuplicates(int limit)
    {
        _db.Insert(TrackingDb.Mixed(230));
        var store = Store(limit);
        foreach (var column in Enum.GetValues<SortColumn>())
        {
            foreach (var direction in new[] { SortDirection.Asc, SortDirection.Desc })
            {
                var query = new RequestQuery { Sort = column, Direction = direction, PageSize = 17 };
                var pages = await WalkForward(store, query);
                var expected = Expected(_db.Rows, column, direction);
                Assert.Equal(expected, pages.SelectMany(p => p).ToList());
                Assert.All(pages.SkipLast(1), p => Assert.Equal(17, p.Count));

                // Back from the last page, page by page, to the first.
                var last = await LastPage(store, query);
                var back = new List<List<long>> { last.Rows.Select(r => r.Seq).ToList() };
                var cursor = last.PreviousCursor;
                while (cursor is not null)
                {
                    var page = await store.ListAsync(query with { Before = cursor });
                    back.Insert(0, [.. page.Rows.Select(r => r.Seq)]);
                    Assert.NotNull(page.NextCursor);
                    cursor = page.PreviousCursor;
                }
                Assert.Equal(pages, back);
            }
        }
    }

    private static async Task<RequestPage> LastPage(RequestStore store, RequestQuery query)
    {
        var page = await store.ListAsync(query);
        while (page.NextCursor is not null)
        {
            page = await store.ListAsync(query with { After = page.NextCursor });
        }
        return page;
    }

    public static TheoryData<string, int> Filters => new()
    {
        { "model=anthropic/claude-3.5-sonnet", 2 }, { "model=anthropic/claude-3.5-sonnet", 100_000 },
        { "status=429", 2 }, { "status=429", 100_000 },
        { "status=5xx", 2 }, { "status=5xx", 100_000 },
        { "status=2xx&sort=cost", 2 }, { "status=2xx&sort=cost", 100_000 },
        { "status=error&sort=latency&dir=asc", 2 }, { "status=error&sort=latency&dir=asc", 100_000 },
        { "status=pending", 2 }, { "status=pending", 100_000 },
        { "endpoint=/v1/completions&sort=tokens", 2 }, { "endpoint=/v1/completions&sort=tokens", 100_000 },
        { "key=key-2&sort=model", 2 }, { "key=key-2&sort=model", 100_000 },
        { "from=1750000600000&to=1750001800000", 2 }, { "from=1750000600000&to=1750001800000", 100_000 },
        { "from=1750000600000&to=1750001800000&sort=cost", 2 }, { "from=1750000600000&to=1750001800000&sort=cost", 100_000 },
        { "status=4xx&from=1750000600000&sort=latency&dir=asc", 2 }, { "status=4xx&from=1750000600000&sort=latency&dir=asc", 100_000 },
        { "status=error&key=key-1&sort=tokens", 2 }, { "status=error&key=key-1&sort=tokens", 100_000 },
        { "model=google/gemini-2.0-flash-001&sort=model", 2 }, { "model=google/gemini-2.0-flash-001&sort=model", 100_000 },
        { "status=502&sort=status", 2 }, { "status=502&sort=status", 100_000 },
        { "endpoint=/v1/chat/completions&sort=endpoint&dir=desc", 2 }, { "endpoint=/v1/chat/completions&sort=endpoint&dir=desc", 100_000 },
        { "model=openai/gpt-4o-mini&status=200&key=key-1&sort=status&dir=asc", 2 },
        { "model=openai/gpt-4o-mini&status=200&key=key-1&sort=status&dir=asc", 100_000 },
        { "model=no/such", 2 }, { "model=no/such", 100_000 },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Filters_ReturnExactlyTheMatchingRowsInOrder(string queryString, int limit)
    {
        _db.Insert(TrackingDb.Mixed(200));
        var query = RequestQuery.Parse(queryString) with { PageSize = 9 };
        bool Matches(TestRow r) =>
            (query.Model is null || r.ModelRequested == query.Model)
            && (query.Endpoint is null || r.Endpoint == query.Endpoint)
            && (query.KeyLabel is null || r.KeyLabel == query.KeyLabel)
            && (query.From is null || r.ReceivedAt >= query.From.Value.ToUnixTimeMilliseconds())
            && (query.To is null || r.ReceivedAt < query.To.Value.ToUnixTimeMilliseconds())
            && (query.Status?.Text switch
            {
                null => true,
                "error" => r.Outcome is "failed" or "cancelled" || r.Status >= 400,
                "pending" => r.Outcome == "received",
                "2xx" => r.Status is >= 200 and < 300,
                "4xx" => r.Status is >= 400 and < 500,
                "5xx" => r.Status is >= 500 and < 600,
                var code => r.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) == code,
            });

        var pages = await WalkForward(Store(limit), query);

        var expected = Expected(_db.Rows.Where(Matches), query.Sort, query.Direction);
        Assert.Equal(expected, pages.SelectMany(p => p).ToList());
        if (queryString != "model=no/such")
        {
            Assert.NotEmpty(expected);
        }
    }

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task Search_MatchesMessagesResponsesAndIds(int limit)
    {
        _db.Insert(
            new TestRow { RequestId = "req_aaa111", RequestText = "Summarise the quarterly invoice", ResponseText = "Here is the summary" },
            new TestRow { RequestId = "req_bbb222", RequestText = "Write a haiku about rain", ResponseText = "Invoice-free clouds" },
            new TestRow { RequestId = "req_ccc333", RequestText = "Translate to French", ResponseText = "Bonjour le monde" },
            new TestRow { RequestId = "req_ddd444", RequestText = "Kubernetes pod keeps restarting", ResponseText = null });
        var store = Store(limit);
        async Task<string[]> Ids(string q, SortColumn sort = SortColumn.Time) =>
            [.. (await store.ListAsync(new RequestQuery { Q = q, Sort = sort, Direction = SortDirection.Asc })).Rows.Select(r => r.RequestId)];

        Assert.Equal(["req_aaa111", "req_bbb222"], await Ids("invoice"));
        Assert.Equal(["req_aaa111"], await Ids("quarterly INVOICE"));
        Assert.Equal(["req_ccc333"], await Ids("bonjour"));
        Assert.Equal(["req_ddd444"], await Ids("kube*"));
        Assert.Equal(["req_bbb222"], await Ids("req_bbb222"));
        Assert.Equal(["req_ccc333"], await Ids("ccc333"));
        Assert.Empty(await Ids("nothing-like-this"));
        Assert.Equal(["req_aaa111", "req_bbb222"], await Ids("invoice", SortColumn.Cost));
    }

    [Fact]
    public async Task Search_ARequestId_FindsExactlyThatRequest()
    {
        _db.Insert(TrackingDb.Mixed(20));
        var target = _db.Rows[7];

        var page = await Store().ListAsync(new RequestQuery { Q = " " + target.RequestId + " " });
        var upper = await Store().ListAsync(new RequestQuery { Q = target.RequestId.ToUpperInvariant() });

        Assert.Equal([target.Seq], page.Rows.Select(r => r.Seq));
        Assert.Equal([target.Seq], upper.Rows.Select(r => r.Seq));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"invoice")]
    [InlineData("*")]
    [InlineData("inv*oice*")]
    [InlineData("NEAR(a b)")]
    [InlineData("a OR b NOT c")]
    [InlineData("request_text: invoice")]
    [InlineData("-invoice +x ^y")]
    [InlineData("(((")]
    [InlineData("'; DROP TABLE requests; --")]
    [InlineData("\u0000\u001f")]
    [InlineData("日本語 ✓")]
    public async Task Search_AnyStringIsAValidQuery(string q)
    {
        _db.Insert(new TestRow { RequestText = "the invoice said \"paid\" * twice" });
        var page = await Store().ListAsync(new RequestQuery { Q = q });
        Assert.NotNull(page);
        Assert.Equal(1, Scalar("SELECT count(*) FROM requests"));
    }

    [Fact]
    public async Task Search_QuotesAndStarsAreSearchedLiterallyOrAsPrefix()
    {
        _db.Insert(
            new TestRow { RequestId = "req_1", RequestText = "say \"hello world\" now" },
            new TestRow { RequestId = "req_2", RequestText = "world hello" });
        var store = Store();
        async Task<string[]> Ids(string q) => [.. (await store.ListAsync(new RequestQuery { Q = q, Direction = SortDirection.Asc })).Rows.Select(r => r.RequestId)];

        // A quote is part of the word, not FTS syntax: both rows hold both words.
        Assert.Equal(["req_1", "req_2"], await Ids("\"hello world\""));
        Assert.Equal(["req_1", "req_2"], await Ids("hel*"));
        Assert.Empty(await Ids("hel"));
    }

    [Fact]
    public async Task Search_CombinesWithFilters()
    {
        _db.Insert(
            new TestRow { RequestId = "req_a", RequestText = "invoice", ModelRequested = "m1" },
            new TestRow { RequestId = "req_b", RequestText = "invoice", ModelRequested = "m2" },
            new TestRow { RequestId = "req_c", RequestText = "other", ModelRequested = "m1" });
        foreach (var limit in new[] { 1, 1000 })
        {
            var page = await Store(limit).ListAsync(new RequestQuery { Q = "invoice", Model = "m1" });
            Assert.Equal(["req_a"], page.Rows.Select(r => r.RequestId));
        }
    }

    /// <summary>(small-set limit, large-search limit, time-range rank limit) → which search path runs.</summary>
    public static TheoryData<int, int, int> SearchPaths => new()
    {
        { 3, 100_000, 2 },       // many matches, collected once (time order: fetched and sorted)
        { 3, 5, 2 },             // nearly all rows match: checked per row (time order: per batch of rowids)
        { 100_000, 100_000, 100_000 }, // few matches: fetched through FTS5 and sorted
    };

    [Theory]
    [MemberData(nameof(SearchPaths))]
    public async Task Search_ManyMatches_PagesInEveryOrder_WithAndWithoutFilters(int small, int large, int timeRank)
    {
        _db.Insert(TrackingDb.Mixed(150));
        var store = new RequestStore(_db.ConnectionString, small, large, timeRank);
        bool HasAlpha(TestRow r) => $"{r.RequestText} {r.ResponseText}".Split(' ').Contains("alpha");
        (string Filter, Func<TestRow, bool> Matches)[] filters =
        [
            ("", _ => true),
            ("&status=4xx", r => r.Status is >= 400 and < 500),
            ("&model=openai/gpt-4o-mini", r => r.ModelRequested == "openai/gpt-4o-mini"),
            ("&status=error&from=1750000900000", r => (r.Outcome is "failed" or "cancelled" || r.Status >= 400) && r.ReceivedAt >= 1_750_000_900_000),
        ];
        foreach (var (filter, matches) in filters)
        {
            foreach (var column in Enum.GetValues<SortColumn>())
            {
                foreach (var direction in new[] { SortDirection.Asc, SortDirection.Desc })
                {
                    var query = RequestQuery.Parse("?q=alpha" + filter) with { Sort = column, Direction = direction, PageSize = 7 };
                    var pages = await WalkForward(store, query);
                    var expected = Expected(_db.Rows.Where(r => HasAlpha(r) && matches(r)), column, direction);
                    Assert.True(expected.SequenceEqual(pages.SelectMany(p => p)), $"{filter} {column} {direction}");
                }
            }
        }
    }

    [Fact]
    public async Task Cursor_FromAnotherSortOrGarbage_StartsAtTheFirstPage()
    {
        _db.Insert(TrackingDb.Mixed(30));
        var store = Store();
        var byCost = await store.ListAsync(new RequestQuery { Sort = SortColumn.Cost, PageSize = 5 });
        var first = await store.ListAsync(new RequestQuery { PageSize = 5 });

        var mixed = await store.ListAsync(new RequestQuery { PageSize = 5, After = byCost.NextCursor });
        var garbage = await store.ListAsync(new RequestQuery { PageSize = 5, After = "%%%not-a-cursor" });

        Assert.Equal(first.Rows, mixed.Rows);
        Assert.Equal(first.Rows, garbage.Rows);
    }

    [Fact]
    public async Task NewRowsArriving_DoNotShiftAPageReachedByCursor()
    {
        _db.Insert(TrackingDb.Mixed(40));
        var store = Store();
        var first = await store.ListAsync(new RequestQuery { PageSize = 10 });
        var second = await store.ListAsync(new RequestQuery { PageSize = 10, After = first.NextCursor });

        _db.Insert(new TestRow { ReceivedAt = 1_760_000_000_000 });
        var again = await store.ListAsync(new RequestQuery { PageSize = 10, After = first.NextCursor });

        Assert.Equal(second.Rows, again.Rows);
    }

    [Fact]
    public async Task Get_ReturnsEveryField()
    {
        _db.Insert(new TestRow
        {
            RequestId = "req_detail",
            GenerationId = "gen-1",
            ModelRequested = "openai/gpt-4o-mini",
            ModelAnswered = "openai/gpt-4o-mini-2024-07-18",
            Stream = true,
            CostUsd = 0.00042,
            CostSource = "generation",
            MediaJson = """[{"kind":"image","sha256":"abc"}]""",
        });

        var detail = await Store().GetAsync("req_detail");

        Assert.NotNull(detail);
        Assert.Equal("gen-1", detail.GenerationId);
        Assert.Equal("openai/gpt-4o-mini-2024-07-18", detail.ModelAnswered);
        Assert.Equal("openai/gpt-4o-mini", detail.ModelRouted);
        Assert.True(detail.Stream);
        Assert.Equal(0.00042, detail.CostUsd);
        Assert.Equal("generation", detail.CostSource);
        Assert.Equal(2, detail.CachedTokens);
        Assert.Equal(250, detail.UpstreamTtfbMs);
        Assert.Equal(1.5, detail.OverheadMs);
        Assert.Equal(120, detail.BytesIn);
        Assert.Equal("stop", detail.FinishReason);
        Assert.Contains("sha256", detail.MediaJson);
        Assert.Contains("hello", detail.RequestBody);
        Assert.Null(await Store().GetAsync("req_missing"));
    }

    [Fact]
    public async Task Summary_AddsUpCostsErrorsAndLatencies()
    {
        var day = 1_750_032_000_000L; // 2025-06-16 00:00 UTC
        const long hour = 3_600_000;
        _db.Insert(
            new TestRow { ReceivedAt = day + 1 * hour, ModelRequested = "a", CostUsd = 0.5, LatencyMs = 100 },
            new TestRow { ReceivedAt = day + 1 * hour + 5, ModelRequested = "a", CostUsd = 0.25, LatencyMs = 200 },
            new TestRow { ReceivedAt = day + 2 * hour, ModelRequested = "b", CostUsd = 1.0, LatencyMs = 1000 },
            new TestRow { ReceivedAt = day + 2 * hour, ModelRequested = "b", Outcome = "failed", Status = 502, CostUsd = null, LatencyMs = 3000 },
            new TestRow { ReceivedAt = day + 25 * hour, ModelRequested = "a", CostUsd = 2.0, LatencyMs = 400 },
            new TestRow { ReceivedAt = day + 25 * hour, ModelRequested = "a", Outcome = "cancelled", Status = 499, CostUsd = null, LatencyMs = 50 },
            new TestRow { ReceivedAt = day + 26 * hour, ModelRequested = null, Outcome = "received", Status = null, CostUsd = null, LatencyMs = null },
            // Outside the range.
            new TestRow { ReceivedAt = day + 49 * hour, ModelRequested = "a", CostUsd = 100 });

        var from = DateTimeOffset.FromUnixTimeMilliseconds(day);
        var summary = await Store().SummaryAsync(from, from.AddDays(2));

        Assert.Equal(7, summary.Requests);
        Assert.Equal(2, summary.Errors);
        Assert.Equal(3.75, summary.CostUsd, 9);
        Assert.Equal(TimeSpan.FromHours(1), summary.Bucket);
        Assert.Equal(48, summary.Timeline.Count);
        Assert.Equal(2, summary.Timeline[1].Requests);
        Assert.Equal(0.75, summary.Timeline[1].CostUsd, 9);
        Assert.Equal(1, summary.Timeline[2].Errors);
        Assert.Equal([1.75, 2.0], summary.Days.Select(d => Math.Round(d.CostUsd, 9)));
        Assert.Equal([4L, 3L], summary.Days.Select(d => d.Requests));

        Assert.Equal(["a", "b", ""], summary.Models.Select(m => m.Model));
        var a = summary.Models[0];
        Assert.Equal((4L, 1L, 2.75), (a.Requests, a.Errors, Math.Round(a.CostUsd, 9)));
        Assert.Equal(4, a.Latency.Count);
        // Latencies of a: 50, 100, 200, 400 → nearest-rank p50 = 100, p95 = p99 = 400 (within the histogram's 1 %).
        Assert.InRange(a.Latency.P50!.Value, 99, 101);
        Assert.InRange(a.Latency.P99!.Value, 396, 404);
        Assert.Equal(6, summary.Latency.Count);
        Assert.InRange(summary.Latency.P50!.Value, 198, 202);
        Assert.InRange(summary.Latency.P95!.Value, 2970, 3030);
        Assert.Equal(0, summary.Models[2].Latency.Count);
        Assert.Null(summary.Models[2].Latency.P50);
    }

    [Fact]
    public async Task Summary_LongRange_UsesDays_AndEmptyTableGivesZeros()
    {
        var to = DateTimeOffset.FromUnixTimeMilliseconds(1_750_032_000_000);
        var summary = await Store().SummaryAsync(to.AddDays(-30), to);

        Assert.Equal(TimeSpan.FromDays(1), summary.Bucket);
        Assert.Equal(30, summary.Timeline.Count);
        Assert.Equal(0, summary.Requests);
        Assert.Empty(summary.Models);
        Assert.Null(summary.Latency.P50);
    }

    [Fact]
    public async Task Choices_ListDistinctValues()
    {
        _db.Insert(TrackingDb.Mixed(80));
        var choices = await Store().ChoicesAsync();

        Assert.Equal(["anthropic/claude-3.5-sonnet", "google/gemini-2.0-flash-001", "openai/gpt-4o-mini"], choices.Models);
        Assert.Equal(["/v1/chat/completions", "/v1/completions"], choices.Endpoints);
        Assert.Equal(["key-1", "key-2"], choices.KeyLabels);
        Assert.Equal([200, 400, 429, 499, 502], choices.Statuses);
    }

    [Fact]
    public async Task Store_CreatesTableAndIndexesOnAFreshFile()
    {
        var path = Path.Combine(_db.Directory, "fresh.db");
        var store = new RequestStore($"Data Source={path}");

        var page = await store.ListAsync(new RequestQuery());

        Assert.Empty(page.Rows);
        Assert.True(File.Exists(path));
    }

    private long Scalar(string sql)
    {
        using var connection = _db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
