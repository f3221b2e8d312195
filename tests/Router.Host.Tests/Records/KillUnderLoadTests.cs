using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using OaiRouter.FakeOpenRouter;
using OaiRouter.Host.Tests.Support;
using Xunit.Abstractions;

namespace OaiRouter.Host.Tests.Records;

/// <summary>
/// The record survives a SIGKILL: the router runs as its own process under load, is killed, and restarted on the
/// same database. What was answered well before the kill must be in the <c>requests</c> table; what was answered in
/// the last moment may be lost (events still on their way to the journal), and the test says how many were.
/// </summary>
public sealed class KillUnderLoadTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int MinimumJudged = 50;
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LoadBound = TimeSpan.FromSeconds(15);

    /// <summary>Answers older than this at the kill must have been journalled (batches commit within ~200 ms).</summary>
    private static readonly TimeSpan MustSurvive = TimeSpan.FromSeconds(1.5);

    private sealed record Answered(string RequestId, string Content, TimeSpan At);

    [Fact]
    public async Task KillNineUnderLoad_KeepsEverythingButTheLastSecond_AndTheProjectionCatchesUpOnRestart()
    {
        var directory = Directory.CreateTempSubdirectory("oai-kill").FullName;
        var database = Path.Combine(directory, "router.db");
        RouterProcess? router = null;
        try
        {
            await using var fake = await FakeOpenRouterServer.StartAsync();
            var environment = new Dictionary<string, string>
            {
                // Not shaped like a real key (sk-or-v1- and 20+ alphanumerics), so no secret scanner trips on it.
                ["OPENROUTER_API_KEY"] = "sk-or-test-key",
                ["OPENROUTER_BASE_URL"] = fake.BaseUrl.ToString(),
                ["DATABASE_URL"] = "sqlite:///" + database,
                ["LOG_FILE_PATH"] = Path.Combine(directory, "router.log.json"),
                ["CONSOLE_LOG_LEVEL"] = "Warning",
            };
            router = await RouterProcess.StartAsync(environment, directory);

            var (answered, killedAt, errors) = await LoadThenKillAsync(router, database);
            output.WriteLine($"{answered.Count} answered 200 in {killedAt.TotalSeconds:0.0} s by {Clients} clients; {errors} failed before the kill");
            var mustSurvive = answered.Where(a => a.At < killedAt - MustSurvive).ToList();
            Assert.True(mustSurvive.Count >= MinimumJudged, $"too little load to judge: {mustSurvive.Count} answers before the cut-off\n{router.Output()}");

            output.WriteLine("first router's console (warnings and errors):\n" + router.Output());
            await router.DisposeAsync();
            router = await RouterProcess.StartAsync(environment, directory);

            // The restarted router serves and records a new request.
            using var http = new HttpClient { BaseAddress = router.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            var (fresh, freshStatus) = await AskAsync(http, "after the restart");
            Assert.Equal(HttpStatusCode.OK, freshStatus);
            var freshRow = Assert.Single(await RequestsTable.WaitForFinishedAsync(database, [fresh], TimeSpan.FromSeconds(60))).Value;
            Assert.Equal(200L, freshRow["status"]);
            Assert.Contains("echo: after the restart", (string)freshRow["response_body"]!);

            await WaitForProjectionAsync(database, TimeSpan.FromSeconds(60));
            var rows = RequestsTable.Rows(database).ToDictionary(r => (string)r["request_id"]!);

            var lost = mustSurvive.Where(a => !Recorded(rows, a)).Select(a => $"{a.RequestId} at {a.At.TotalSeconds:0.000} s").ToList();
            Assert.True(lost.Count == 0, $"answered > {MustSurvive.TotalSeconds} s before the kill at {killedAt.TotalSeconds:0.000} s but not recorded: "
                + string.Join(", ", lost));
            var lastMoment = answered.Except(mustSurvive).ToList();
            var lastMomentLost = lastMoment.Where(a => !Recorded(rows, a)).ToList();
            var unfinished = lastMomentLost.Count(a => rows.ContainsKey(a.RequestId));
            output.WriteLine($"last {MustSurvive.TotalSeconds} s before the kill: {lastMoment.Count} answered, {lastMomentLost.Count} not recorded "
                + $"({lastMomentLost.Count - unfinished} missing, {unfinished} without their finish); {mustSurvive.Count} older ones all recorded");
            if (lastMomentLost.Count > 0)
            {
                // Negative: answered between the kill's time stamp and the process's end.
                output.WriteLine($"oldest unrecorded answer: {(killedAt - lastMomentLost.Min(a => a.At)).TotalMilliseconds:0} ms before the kill");
            }
        }
        finally
        {
            if (router is not null)
            {
                await router.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary><see cref="Clients"/> clients ask in a loop for <see cref="LoadTime"/>; then the router is killed mid-load.</summary>
    private async Task<(List<Answered> Answered, TimeSpan KilledAt, int Errors)> LoadThenKillAsync(RouterProcess router, string database)
    {
        using var http = new HttpClient { BaseAddress = router.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        var answered = new ConcurrentQueue<Answered>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task ClientAsync(int client)
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var content = $"load c{client} n{n}";
                try
                {
                    var (id, status) = await AskAsync(http, content, stop.Token);
                    if (status == HttpStatusCode.OK)
                    {
                        answered.Enqueue(new Answered(id, content, clock.Elapsed));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    if (killed.Task.IsCompleted)
                    {
                        return;
                    }

                    Interlocked.Increment(ref errors);
                }
            }
        }

        // Warm-up outside the clock, until its record is in the table: the journal is open and the projection runs.
        // A kill before the journal first opens loses everything held until then (seen once on a busy machine:
        // 4 s of answers, none journalled); that is start-up, not the steady state this test is about.
        var (warmId, warm) = await AskAsync(http, "warm-up");
        Assert.Equal(HttpStatusCode.OK, warm);
        Assert.Single(await RequestsTable.WaitForFinishedAsync(database, [warmId], TimeSpan.FromSeconds(60)));
        output.WriteLine($"warm-up answered and recorded after {clock.Elapsed.TotalSeconds:0.0} s");
        clock.Restart();
        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(c))).ToArray();
        // At least LoadTime of load, and enough answers older than the cut-off to judge; bounded on a busy machine.
        while (clock.Elapsed < LoadTime
            || (answered.Count(a => a.At < clock.Elapsed - MustSurvive) < MinimumJudged && clock.Elapsed < LoadBound))
        {
            await Task.Delay(50);
        }

        var killedAt = clock.Elapsed;
        killed.TrySetResult();
        await router.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(15));
        return ([.. answered], killedAt, errors);
    }

    private static async Task<(string RequestId, HttpStatusCode Status)> AskAsync(HttpClient http, string content, CancellationToken ct = default)
    {
        using var body = new StringContent(
            $$"""{"model":"test/kill-load","messages":[{"role":"user","content":"{{content}}"}]}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("v1/chat/completions", body, ct);
        // Answered means the whole body arrived, as a client would see it.
        await response.Content.ReadAsStringAsync(ct);
        return (response.Headers.GetValues("X-Request-Id").Single(), response.StatusCode);
    }

    private static bool Recorded(Dictionary<string, Dictionary<string, object?>> rows, Answered answer) =>
        rows.TryGetValue(answer.RequestId, out var row)
        && row["status"] is 200L
        && row["response_body"] is string body && body.Contains($"echo: {answer.Content}", StringComparison.Ordinal);

    /// <summary>Waits, with a bound, until the projection's offset reaches the journal's last event.</summary>
    private async Task WaitForProjectionAsync(string database, TimeSpan bound)
    {
        using var deadline = new CancellationTokenSource(bound);
        (long Journal, long Projected) positions;
        while ((positions = Positions(database)).Projected < positions.Journal)
        {
            await Task.Delay(100, deadline.Token);
        }

        output.WriteLine($"projection caught up: offset {positions.Projected}, journal at ordering {positions.Journal}");
    }

    private static (long Journal, long Projected) Positions(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        // One snapshot: both read in the same statement.
        command.CommandText = """
            SELECT (SELECT coalesce(max(ordering), 0) FROM journal), (SELECT coalesce(min(offset_value), -1) FROM projection_offsets)
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
