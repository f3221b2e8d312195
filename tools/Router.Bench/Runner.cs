using System.Diagnostics;
using System.Globalization;

namespace OaiRouter.Bench;

/// <summary>The router's own figures, beside the load numbers.</summary>
internal sealed class RouterFigures
{
    /// <summary>Per phase: sums and counts of the router's overhead, request and upstream TTFB histograms.</summary>
    public Dictionary<string, (double Overhead, double Duration, double UpstreamTtfb, double Count)> SelfReported { get; } = [];

    public List<LedgerRun> Ledger { get; } = [];
    public LossResult? Kill9 { get; set; }
    public LossResult? Sigterm { get; set; }
    public double RssFresh { get; set; } = double.NaN;
}

/// <summary>The record during and after one load run on the router.</summary>
/// <param name="EventsDuringLoad">Journal events persisted while the load ran.</param>
/// <param name="ProjectedDuringLoad">Journal events the requests projection applied while the load ran.</param>
/// <param name="JournalSeconds">From the end of the load until the journal held the run's events; NaN: not within the limit.</param>
/// <param name="ProjectionSeconds">From the end of the load until the requests table reflected every event; NaN: not within the limit.</param>
internal sealed record LedgerRun(string Phase, long Served, double LoadSeconds, long EventsDuringLoad, long ProjectedDuringLoad,
    long RowsAtLoadEnd, double JournalSeconds, double ProjectionSeconds)
{
    /// <summary>Each request writes at least two events: received and finished.</summary>
    public const int EventsPerRequest = 2;

    public long EventsNeeded => EventsPerRequest * Served;

    public long JournalBehindAtEnd => Math.Max(0, EventsNeeded - EventsDuringLoad);
}

/// <summary>Requests answered 200 before the router was stopped, and how many of them the record lacks afterwards.</summary>
/// <param name="LostFromJournal">Answered 200 but no "finished" event in the journal after the restart: really lost.</param>
/// <param name="MissingFromTable">Answered 200 but no finished row in the requests table when the wait ended.</param>
internal sealed record LossResult(string How, long Answered200, long LostFromJournal, long MissingFromTable, double CatchUpSeconds,
    bool Settled, long Errors);

/// <summary>Runs the whole benchmark and writes the report.</summary>
internal sealed class Runner(Plan plan, TextWriter log)
{
    private const string Model = "openai/gpt-4o-mini";
    private const string Body = """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello to the benchmark."}]}""";
    private const string StreamBody = """{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Say hello to the benchmark."}]}""";
    private const string UpstreamKey = "sk-or-bench-upstream";

    private readonly string _logs = Path.Combine(plan.WorkDir, "logs");
    private readonly RouterFigures _router = new();
    private Target _direct = null!;
    private Target _yarp = null!;
    private Target _routerTarget = null!;
    private Target _portkey = null!;
    private RouterProbe _probe = null!;
    private Dictionary<string, string> _routerEnv = null!;
    private string _routerWork = "";

    public async Task<int> RunAsync()
    {
        Directory.CreateDirectory(_logs);
        var started = DateTimeOffset.UtcNow;
        var loadAtStart = ProcStat.LoadAverage();
        log.WriteLine($"benchmark ({plan.Mode}) in {plan.WorkDir}; logs in {_logs}");

        await StartTargetsAsync();
        Target[] targets = [.. new[] { _direct, _yarp, _routerTarget, _portkey }.Where(t => t.Available)];

        log.WriteLine("warm-up ...");
        foreach (var t in targets)
        {
            await Wrk.RunAsync(t.Url, t.Script, 8, plan.WarmupSeconds);
            using var http = Clients.NewClient(1);
            await Clients.StreamAsync(http, t.Url, StreamBody, t.Headers, TimeSpan.FromSeconds(1));
        }

        await _probe.DrainIdleAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var t in targets)
        {
            t.RssIdle = ProcStat.RssMiB(t.Process!.Pid);
        }

        var peaks = targets.ToDictionary(t => t, t => new ProcStat.PeakRss(t.Process!.Pid));
        try
        {
            await LoadPhaseAsync(targets, "c1", 1, plan.LatencySeconds);
            await LoadPhaseAsync(targets, "c32", 32, plan.LoadSeconds);
            await LoadPhaseAsync(targets, "c128", 128, plan.LoadSeconds);
            await StreamPhaseAsync(targets);
        }
        finally
        {
            foreach (var (t, peak) in peaks)
            {
                await peak.DisposeAsync();
                t.RssPeak = peak.Peak;
            }
        }

        _routerTarget.Process!.Resume();
        log.WriteLine($"settling {plan.SettleSeconds} s for RSS after load ...");
        await Task.Delay(TimeSpan.FromSeconds(plan.SettleSeconds));
        foreach (var t in targets)
        {
            t.RssAfter = ProcStat.RssMiB(t.Process!.Pid);
        }

        _router.Kill9 = await LossAsync("kill -9", hard: true);
        _router.Sigterm = await LossAsync("SIGTERM", hard: false);

        foreach (var t in targets)
        {
            t.Process?.Dispose();
        }

        var ui = new List<UiResult>();
        if (!plan.SkipUi)
        {
            foreach (var rows in plan.UiRows)
            {
                log.WriteLine($"tracking UI at {rows:N0} rows ...");
                ui.Add(plan.SeedDir is null
                    ? new UiResult(rows, double.NaN, double.NaN, double.NaN, "", "pending: tools/Router.Seed is not there")
                    : await UiBench.RunAsync(plan.SeedDir, plan.WorkDir, rows, log));
            }
        }

        MediaResult? media = null;
        if (!plan.SkipMedia)
        {
            log.WriteLine("media ...");
            try
            {
                media = await MediaBench.RunAsync(plan.WorkDir, plan.MediaRuns, log);
            }
            catch (Exception e)
            {
                log.WriteLine("  media failed: " + e);
                media = new MediaResult(null, null, null, "failed: " + e.GetType().Name + ": " + e.Message, null, null, "not run: the image part failed");
            }
        }

        var report = new Report(plan, started, loadAtStart, ProcStat.LoadAverage(), _direct, _yarp, _routerTarget, _portkey, _router, ui, media);
        var table = report.Table();
        Console.WriteLine();
        Console.WriteLine(table);
        if (plan.OutPath is not null)
        {
            report.WriteDocument(plan.OutPath);
            log.WriteLine($"written to {plan.OutPath}");
        }

        return 0;
    }

    private async Task StartTargetsAsync()
    {
        var dotnet = "dotnet";
        log.WriteLine("starting the fake OpenRouter ...");
        var fake = Child.Start("fake", dotnet, [Path.Combine(plan.FakeDir, "Router.FakeOpenRouter.dll"), "--port", "0"],
            plan.WorkDir, Path.Combine(_logs, "fake.log"));
        var fakeBase = await fake.WaitForLineAsync("listening on ", TimeSpan.FromSeconds(60));
        var auth = new Dictionary<string, string> { ["Authorization"] = "Bearer " + UpstreamKey };
        _direct = new Target("direct", "Direct (floor)", fakeBase + "/chat/completions", auth) { Process = fake };

        log.WriteLine("starting YARP ...");
        var yarp = Child.Start("yarp", dotnet,
            [Path.Combine(plan.YarpDir, "Router.YarpPassthrough.dll"), "--port", "0", "--upstream", fakeBase, "--key", UpstreamKey],
            plan.WorkDir, Path.Combine(_logs, "yarp.log"));
        var yarpBase = await yarp.WaitForLineAsync("listening on ", TimeSpan.FromSeconds(60));
        var client = new Dictionary<string, string> { ["Authorization"] = "Bearer client-key" };
        _yarp = new Target("yarp", "YARP", yarpBase + "/v1/chat/completions", client) { Process = yarp };

        log.WriteLine("starting the router (JSON body logging and Ledger on, as shipped) ...");
        _routerWork = Path.Combine(plan.WorkDir, "router");
        if (Directory.Exists(_routerWork))
        {
            Directory.Delete(_routerWork, recursive: true);
        }

        Directory.CreateDirectory(_routerWork);
        var routerPort = Child.FreePort();
        var routerBase = $"http://127.0.0.1:{routerPort}";
        var db = Path.Combine(_routerWork, "router.db");
        _routerEnv = new Dictionary<string, string>
        {
            ["OPENROUTER_API_KEY"] = UpstreamKey,
            ["OPENROUTER_BASE_URL"] = fakeBase,
            ["ASPNETCORE_URLS"] = routerBase,
            ["LOG_FILE_PATH"] = Path.Combine(_routerWork, "router.log.json"),
            ["DATABASE_URL"] = "sqlite:///" + db,
            ["CONSOLE_LOG_LEVEL"] = "Warning",
        };
        var router = await StartRouterAsync(routerBase);
        await Task.Delay(TimeSpan.FromSeconds(2));
        _router.RssFresh = ProcStat.RssMiB(router.Pid);
        _routerTarget = new Target("router", "Router", routerBase + "/v1/chat/completions", client) { Process = router };
        _probe = new RouterProbe(db, routerBase);

        var portkeyHeaders = new Dictionary<string, string>
        {
            ["Authorization"] = "Bearer " + UpstreamKey,
            ["x-portkey-provider"] = "openai",
            ["x-portkey-custom-host"] = fakeBase,
        };
        _portkey = new Target("portkey", "Portkey", "", portkeyHeaders);
        var portkeyMain = plan.PortkeyDir is null ? null : Path.Combine(plan.PortkeyDir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        if (portkeyMain is not null && File.Exists(portkeyMain))
        {
            log.WriteLine("starting Portkey ...");
            var port = Child.FreePort();
            var portkey = Child.Start("portkey", "node", [portkeyMain, $"--port={port}", "--headless"], plan.PortkeyDir!,
                Path.Combine(_logs, "portkey.log"));
            await portkey.WaitForHttpAsync($"http://127.0.0.1:{port}/", TimeSpan.FromSeconds(60), anyStatus: true);
            _portkey.Url = $"http://127.0.0.1:{port}/v1/chat/completions";
            _portkey.Process = portkey;
        }
        else
        {
            log.WriteLine("Portkey is not installed: its column stays empty");
        }

        foreach (var t in new[] { _direct, _yarp, _routerTarget, _portkey }.Where(t => t.Available))
        {
            var body = Body;
            t.Script = Wrk.WriteScript(plan.WorkDir, t.Key, body, t.Headers);
            using var http = Clients.NewClient(1);
            using var request = new HttpRequestMessage(HttpMethod.Post, t.Url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            foreach (var (k, v) in t.Headers)
            {
                request.Headers.TryAddWithoutValidation(k, v);
            }

            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || !text.Contains("\"choices\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{t.Title} answered {(int)response.StatusCode}: {text}");
            }
        }
    }

    private async Task<Child> StartRouterAsync(string routerBase)
    {
        var router = Child.Start("router", "dotnet", [Path.Combine(plan.RouterDir, "Router.Host.dll")], _routerWork,
            Path.Combine(_logs, "router.log"), _routerEnv);
        await router.WaitForHttpAsync(routerBase + "/health", TimeSpan.FromSeconds(90));
        return router;
    }

    /// <summary>Interleaved rounds: every target once per round, the order rotating, each measured alone.</summary>
    private async Task LoadPhaseAsync(Target[] targets, string phase, int connections, int seconds)
    {
        for (var round = 0; round < plan.Rounds; round++)
        {
            foreach (var t in Rotate(targets, round + PhaseOffset(phase)))
            {
                Isolate(t);
                var pid = t.Process!.Pid;
                var cpu0 = ProcStat.CpuSeconds(pid);
                string? metrics0 = null;
                var ledger0 = default(LedgerCount);
                if (t == _routerTarget)
                {
                    metrics0 = await _probe.MetricsAsync();
                    ledger0 = _probe.Count();
                }

                var result = await Wrk.RunAsync(t.Url, t.Script, connections, seconds);
                if (t == _routerTarget)
                {
                    var atEnd = _probe.Count();
                    var metrics1 = await _probe.MetricsAsync();
                    // At peak the whole record is waited for (its catch-up time is a figure); otherwise the journal only.
                    var target = ledger0.Events + (LedgerRun.EventsPerRequest * result.Requests);
                    var drain = await _probe.DrainAsync(TimeSpan.FromSeconds(phase == "c128" ? plan.DrainLimitSeconds : 15), target,
                        projection: phase == "c128");
                    _router.Ledger.Add(new LedgerRun(phase, result.Requests, result.Seconds, atEnd.Events - ledger0.Events,
                        atEnd.Projected - ledger0.Projected, atEnd.Finished - ledger0.Finished, drain.JournalSeconds, drain.ProjectionSeconds));
                    AddSelfReported(phase, metrics0!, metrics1);
                }
                else
                {
                    await Task.Delay(500);
                }

                var run = new Run(result, ProcStat.CpuSeconds(pid) - cpu0);
                t.Add(phase, run);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {phase,-5} r{round + 1} {t.Title,-15} {result.Rps,9:F0} req/s  p50 {result.P50Ms,8:F3} ms  p99 {result.P99Ms,8:F2} ms  cpu {run.CpuMicrosPerRequest,7:F0} us/req{(result.Non2xx + result.SocketErrors > 0 ? $"  errors {result.Non2xx}+{result.SocketErrors}" : "")}  (load {ProcStat.LoadAverage()})"));
            }
        }
    }

    /// <summary>
    /// The router is paused (SIGSTOP) while another target is measured, and resumed for its own runs: record-keeping
    /// it has not finished (the requests projection can trail by minutes) must not take the peers' CPU. That work
    /// is then done, and counted as the router's CPU, during its next run.
    /// </summary>
    private void Isolate(Target next)
    {
        if (next == _routerTarget)
        {
            _routerTarget.Process!.Resume();
        }
        else
        {
            _routerTarget.Process!.Pause();
        }
    }

    private static int PhaseOffset(string phase) => phase switch { "c32" => 1, "c128" => 2, _ => 0 };

    private static IEnumerable<Target> Rotate(Target[] targets, int by) =>
        Enumerable.Range(0, targets.Length).Select(i => targets[(i + by) % targets.Length]);

    private void AddSelfReported(string phase, string before, string after)
    {
        double D(string name) => RouterProbe.Sum(after, name) - RouterProbe.Sum(before, name);
        var now = (D("oai_router_overhead_seconds_sum"), D("oai_router_request_duration_seconds_sum"),
            D("oai_router_upstream_ttfb_seconds_sum"), D("oai_router_overhead_seconds_count"));
        _router.SelfReported[phase] = _router.SelfReported.TryGetValue(phase, out var was)
            ? (was.Overhead + now.Item1, was.Duration + now.Item2, was.UpstreamTtfb + now.Item3, was.Count + now.Item4)
            : now;
    }

    private async Task StreamPhaseAsync(Target[] targets)
    {
        for (var round = 0; round < plan.Rounds; round++)
        {
            foreach (var t in Rotate(targets, round + 3))
            {
                Isolate(t);
                using var http = Clients.NewClient(1);
                var result = await Clients.StreamAsync(http, t.Url, StreamBody, t.Headers, TimeSpan.FromSeconds(plan.StreamSeconds));
                t.Streams.Add(result);
                if (t == _routerTarget)
                {
                    await _probe.DrainAsync(TimeSpan.FromSeconds(15), _probe.Count().Events, projection: false);
                }

                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  stream r{round + 1} {t.Title,-15} {result.Streams,5} streams  first data p50 {result.TtfbP50Ms,7:F3} ms  p99 {result.TtfbP99Ms,7:F2} ms  gap {result.GapMeanMs,6:F3} ms  events {result.AvgEvents:F1}{(result.Failures > 0 ? $"  failures {result.Failures}" : "")}"));
            }
        }
    }

    /// <summary>
    /// Load on the router, then kill -9 (or SIGTERM) under it; restart on the same database, let the projection
    /// catch up, and count the 200s the client received that have no finished row.
    /// </summary>
    private async Task<LossResult> LossAsync(string how, bool hard)
    {
        log.WriteLine($"{how} under load ...");
        await _probe.DrainIdleAsync(TimeSpan.FromSeconds(10));
        var before = _probe.Count();
        var routerBase = _routerTarget.Url[.._routerTarget.Url.IndexOf("/v1/", StringComparison.Ordinal)];
        using var stop = new CancellationTokenSource();
        var load = Clients.CountingLoadAsync(_routerTarget.Url, Body, _routerTarget.Headers, 16, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(plan.KillAfterSeconds));
        var old = _routerTarget.Process!;
        if (hard)
        {
            old.KillHard();
        }
        else
        {
            old.Terminate(TimeSpan.FromSeconds(45));
        }

        await Task.Delay(300);
        await stop.CancelAsync();
        var (ids, ok, errors) = await load;
        old.Dispose();

        var clock = Stopwatch.StartNew();
        var restarted = await StartRouterAsync(routerBase);
        _routerTarget.Process = restarted;
        var settled = (await _probe.DrainIdleAsync(TimeSpan.FromSeconds(plan.DrainLimitSeconds))).Settled;
        var inJournal = _probe.FinishedIdsInJournal(before.Events);
        var inTable = _probe.FinishedIds(before.MaxSeq);
        var lost = ids.Count(id => !inJournal.Contains(id));
        var missing = ids.Count(id => !inTable.Contains(id));
        var result = new LossResult(how, ok, lost, missing, clock.Elapsed.TotalSeconds, settled, errors);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {how}: {ok} answered 200 before the stop; after restart {lost} have no finished event in the journal, {missing} no finished row in the requests table ({result.CatchUpSeconds:F1} s{(settled ? "" : ", projection not caught up")})"));
        return result;
    }
}
