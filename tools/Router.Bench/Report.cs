using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OaiRouter.Bench;

/// <summary>Turns the measurements into one table, and writes it (with date, commit and machine) to the document.</summary>
internal sealed class Report(
    Plan plan,
    DateTimeOffset started,
    string loadAtStart,
    string loadAtEnd,
    Target direct,
    Target yarp,
    Target router,
    Target portkey,
    RouterFigures figures,
    IReadOnlyList<UiResult> ui,
    MediaResult? media)
{
    public const string Begin = "<!-- bench:begin (written by scripts/bench.sh; edits between these markers are replaced) -->";
    public const string End = "<!-- bench:end -->";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly List<string[]> _rows = [];

    public string Table()
    {
        _rows.Clear();
        Latency();
        Throughput("c32", 32);
        Throughput("c128", 128);
        Streaming();
        Memory();
        Record();
        Ui();
        Media();
        return Render();
    }

    private void Row(string figure, string d, string y, string r, string p, string ry, string rp, string aim, string met) =>
        _rows.Add([figure, d, y, r, p, ry, rp, aim, met]);

    private void Latency()
    {
        Row("c=1 latency p50 / p99, ms", $"{Ms(direct.P50("c1"))} / {Ms(direct.P99("c1"))}",
            Pair(yarp, "c1"), Pair(router, "c1"), Pair(portkey, "c1"), "", "", "", "");
        var ya = Added(yarp, t => t.P50("c1"), direct);
        var ra = Added(router, t => t.P50("c1"), direct);
        var pa = Added(portkey, t => t.P50("c1"), direct);
        var met = ra <= 0.3 || ra <= 1.5 * ya;
        Row("c=1 added p50, ms", "0", Plus(ya), Plus(ra), Plus(pa), Ratio(ra, ya), Ratio(ra, pa),
            "≤ 1.5x YARP or ≤ 0.3 ms", Verdict(met, ra, ya));
        var y99 = Added(yarp, t => t.P99("c1"), direct);
        var r99 = Added(router, t => t.P99("c1"), direct);
        var p99 = Added(portkey, t => t.P99("c1"), direct);
        Row("c=1 added p99, ms", "0", Plus(y99), Plus(r99), Plus(p99), Ratio(r99, y99), Ratio(r99, p99), "(p99 moves 3x run to run)", "");

        if (figures.SelfReported.TryGetValue("c1", out var s) && s.Count > 0)
        {
            Row("router self-reported at c=1, ms (mean)", "", "",
                $"overhead {Ms(s.Overhead / s.Count * 1000)}; whole {Ms(s.Duration / s.Count * 1000)}, upstream TTFB {Ms(s.UpstreamTtfb / s.Count * 1000)}",
                "", "", "", "X-Router-Overhead-Ms, /metrics", "");
        }
    }

    private string Pair(Target t, string phase) => t.Available ? $"{Ms(t.P50(phase))} / {Ms(t.P99(phase))}" : "n/a";

    private void Throughput(string phase, int c)
    {
        string Rps(Target t) => !t.Available ? "n/a"
            : t == direct ? Num(t.Rps(phase))
            : $"{Num(t.Rps(phase))} ({X(t.Rps(phase) / direct.Rps(phase))} of direct){Err(t, phase)}";
        var rr = router.Rps(phase);
        var yr = yarp.Rps(phase);
        var pr = portkey.Available ? portkey.Rps(phase) : double.NaN;
        var isPeak = c == 128;
        Row($"c={c} throughput, req/s", Rps(direct) + Err(direct, phase), Rps(yarp), Rps(router), Rps(portkey),
            X(rr / yr), X(rr / pr), isPeak ? "≥ 0.5x YARP (≈ 15x Portkey)" : "", isPeak ? Verdict(rr >= 0.5 * yr) : "");
        Row($"c={c} p99, ms", Ms(direct.P99(phase)), Ms(yarp.P99(phase)), Ms(router.P99(phase)),
            portkey.Available ? Ms(portkey.P99(phase)) : "n/a", X(router.P99(phase) / yarp.P99(phase)),
            X(router.P99(phase) / portkey.P99(phase)), "", "");
        var rc = router.CpuPerRequest(phase);
        var yc = yarp.CpuPerRequest(phase);
        var pc = portkey.Available ? portkey.CpuPerRequest(phase) : double.NaN;
        Row($"c={c} CPU per request, µs", Num(direct.CpuPerRequest(phase)), Num(yc), Num(rc), Num(pc), X(rc / yc), X(rc / pc),
            "≤ 2x YARP", Verdict(rc <= 2 * yc));
        if (figures.SelfReported.TryGetValue(phase, out var s) && s.Count > 0)
        {
            Row($"router self-reported at c={c}, ms (mean)", "", "",
                $"overhead {Ms(s.Overhead / s.Count * 1000)}; whole {Ms(s.Duration / s.Count * 1000)}, upstream TTFB {Ms(s.UpstreamTtfb / s.Count * 1000)}",
                "", "", "", "", "");
        }
    }

    private static string Err(Target t, string phase) => t.Errors(phase) > 0 ? $" [{t.Errors(phase)} errors]" : "";

    private void Streaming()
    {
        string Abs(Target t, Func<Target, double> f) => t.Available ? Ms(f(t)) : "n/a";
        Row("stream: first data event p50, ms", Abs(direct, t => t.TtfbP50), Abs(yarp, t => t.TtfbP50), Abs(router, t => t.TtfbP50),
            Abs(portkey, t => t.TtfbP50), "", "", "", "");
        var ya = Added(yarp, t => t.TtfbP50, direct);
        var ra = Added(router, t => t.TtfbP50, direct);
        var pa = Added(portkey, t => t.TtfbP50, direct);
        Row("stream: added time to first byte, ms", "0", Plus(ya), Plus(ra), Plus(pa), Ratio(ra, ya), Ratio(ra, pa),
            "≤ YARP + 0.5 ms", Verdict(ra <= ya + 0.5));
        string Us(Target t) => t.Available ? (t.GapMean * 1000).ToString("F1", Inv) : "n/a";
        Row("stream: mean gap between chunks, µs", Us(direct), Us(yarp), Us(router), Us(portkey), "", "", "", "");
        var yg = Added(yarp, t => t.GapMean, direct) * 1000;
        var rg = Added(router, t => t.GapMean, direct) * 1000;
        var pg = Added(portkey, t => t.GapMean, direct) * 1000;
        string PlusUs(double v) => double.IsNaN(v) ? "n/a" : (v >= 0 ? "+" : "") + v.ToString("F1", Inv);
        Row("stream: added gap between chunks, µs", "0", PlusUs(yg), PlusUs(rg), PlusUs(pg), "", "",
            "nothing measurable (≤ YARP + 100 µs)", Verdict(rg <= yg + 100));
    }

    private void Memory()
    {
        string Rss(Target t) => t.Available ? $"{Num(t.RssIdle)} / {Num(t.RssPeak)} / {Num(t.RssAfter)}" : "n/a";
        var idleOk = router.RssIdle <= 150;
        var backOk = router.RssAfter <= router.RssIdle * 1.2;
        Row("RSS idle / peak under load / after, MiB", Rss(direct), Rss(yarp), Rss(router), Rss(portkey),
            X(router.RssIdle / yarp.RssIdle) + " idle", X(router.RssIdle / portkey.RssIdle) + " idle",
            "≤ 150 idle, after ≤ 1.2x idle",
            idleOk && backOk ? "met" : $"missed ({(idleOk ? "" : "idle")}{(!idleOk && !backOk ? ", " : "")}{(backOk ? "" : $"after {X(router.RssAfter / router.RssIdle)} idle")})");
        if (!double.IsNaN(figures.RssFresh))
        {
            Row("router RSS just after start, MiB", "", "", Num(figures.RssFresh), "", "", "", "", "");
        }
    }

    private void Record()
    {
        var peak = figures.Ledger.Where(l => l.Phase == "c128").ToList();
        if (peak.Count > 0)
        {
            var served = peak.Sum(l => l.Served);
            var seconds = peak.Sum(l => l.LoadSeconds);
            var persisted = peak.Sum(l => l.EventsDuringLoad) / seconds;
            var needed = peak.Sum(l => l.EventsNeeded) / seconds;
            var behind = peak.Max(l => l.JournalBehindAtEnd);
            var journalDone = peak.Select(l => l.JournalSeconds).ToList();
            string Done(List<double> v) => v.Any(double.IsNaN) ? $"not all within {plan.DrainLimitSeconds} s" : $"all in {Ms(v.Max())} s";
            Row("ledger at peak (c=128): journal events persisted/s", "", "",
                $"{Num(persisted)} events/s persisted during the load; {Num(needed)}/s needed (≥ 2 per request x {Num(served / seconds)} req/s); up to {Num(behind)} events ({Ms(behind / needed)} s) still in memory when it stopped; {Done(journalDone)} after",
                "", "", "", "keeps up with peak throughput (≤ 1 s behind)", Verdict(behind / needed <= 1.0));
            var projected = peak.Sum(l => l.ProjectedDuringLoad) / seconds;
            Row("ledger at peak (c=128): requests table (projection)", "", "",
                $"{Num(projected)} events/s applied during the load; {Num(peak.Sum(l => l.RowsAtLoadEnd))} of {Num(served)} rows there when it stopped; {Done(peak.Select(l => l.ProjectionSeconds).ToList())} after",
                "", "", "", "keeps up (≤ 1 s behind)", Verdict(projected >= needed * 0.9 && !peak.Any(l => double.IsNaN(l.ProjectionSeconds))));
        }

        string Loss(LossResult l) =>
            $"{l.LostFromJournal} of {Num(l.Answered200)} answered 200 have no finished event in the journal; {l.MissingFromTable} not in the requests table {Ms(l.CatchUpSeconds)} s after restart{(l.Settled ? "" : " (projection still catching up)")}";
        if (figures.Kill9 is { } k)
        {
            Row("requests lost after kill -9 under load", "", "", Loss(k), "", "", "", "(no aim; SIGTERM below)", "");
        }

        if (figures.Sigterm is { } t)
        {
            Row("requests lost after SIGTERM under load", "", "", Loss(t), "", "", "", "0 lost", Verdict(t.LostFromJournal == 0));
        }
    }

    private void Ui()
    {
        foreach (var u in ui)
        {
            var size = u.Rows >= 1_000_000 ? $"{u.Rows / 1_000_000}M" : $"{u.Rows / 1000}k";
            if (u.Note is not null)
            {
                Row($"UI at {size} rows", "", "", u.Note, "", "", "", "< 100 ms at 1M", "pending");
                continue;
            }

            var aimed = u.Rows >= 1_000_000;
            Row($"UI at {size} rows: list first page / search, ms", "", "", $"{Ms(u.ListMs)} / {Ms(u.SearchMs)}", "", "", "",
                aimed ? "< 100 ms at 1M" : "", aimed ? Verdict(u.ListMs < 100 && u.SearchMs < 100) : "");
            Row($"UI at {size} rows: slowest list/filter/sort/search median, ms", "", "", $"{Ms(u.SlowestMs)} ({u.SlowestName})", "", "", "",
                aimed ? "< 100 ms at 1M" : "", aimed ? Verdict(u.SlowestMs < 100) : "");
        }

        if (ui.Count == 0)
        {
            Row("UI list / search", "", "", "not run (--skip-ui)", "", "", "", "", "");
        }
    }

    private void Media()
    {
        if (media is null)
        {
            Row("media", "", "", "not run (--skip-media)", "", "", "", "", "");
            return;
        }

        if (media.NormalizeMs is null)
        {
            Row("image 4000x3000 JPEG → 1024 px", "", "", media.ImageNote, "", "", "", "", "pending");
        }
        else
        {
            Row("image 4000x3000 JPEG → 1024 px: normalise / fetch+normalise (miss) / cached, ms", "", "",
                $"{Ms(media.NormalizeMs.Value)} / {Ms(media.FetchNormalizeMs!.Value)} / {Ms(media.ImageCachedMs!.Value)}", "", "", "",
                "cached ≤ 5 ms", Verdict(media.ImageCachedMs <= 5));
        }

        if (media.VideoSecondsPerSecond is null)
        {
            Row("video 720p: wall s per s of video, cold / cached", "", "", media.VideoNote, "", "", "", "≤ 0.2 s/s; cached ≤ 5 ms", "pending");
        }
        else
        {
            Row("video 720p 10 s: wall s per s of video cold / cached digest ms", "", "",
                $"{media.VideoSecondsPerSecond:F3} s/s / {Ms(media.VideoCachedMs!.Value)} ms ({media.VideoNote})", "", "", "",
                "≤ 0.2 s/s; cached ≤ 5 ms", Verdict(media.VideoSecondsPerSecond <= 0.2 && media.VideoCachedMs <= 5));
        }
    }

    private string Render()
    {
        string[] header = ["Figure", direct.Title, yarp.Title, router.Title, portkey.Title + (portkey.Available ? "" : " (not installed)"),
            "Router ÷ YARP", "Router ÷ Portkey", "Aim", "Met"];
        var rows = new List<string[]> { header };
        rows.AddRange(_rows);
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            sb.Append('|');
            for (var i = 0; i < header.Length; i++)
            {
                sb.Append(' ').Append(rows[r][i].PadRight(widths[i])).Append(" |");
            }

            sb.AppendLine();
            if (r == 0)
            {
                sb.Append('|');
                foreach (var w in widths)
                {
                    sb.Append(new string('-', w + 2)).Append('|');
                }

                sb.AppendLine();
            }
        }

        return sb.ToString();
    }

    /// <summary>Replaces the generated part of the document (between the markers), keeping what people wrote around it.</summary>
    public void WriteDocument(string path)
    {
        var table = Table();
        var section = new StringBuilder();
        section.AppendLine(Begin);
        section.AppendLine();
        section.AppendLine(string.Create(Inv, $"Run of {started:yyyy-MM-dd HH:mm} UTC, `scripts/bench.sh{(plan.Quick ? " --quick" : "")}` ({plan.Mode}: {plan.Rounds} interleaved round(s); c=1 {plan.LatencySeconds} s, c=32/c=128 {plan.LoadSeconds} s, streaming {plan.StreamSeconds} s per target per round)."));
        section.AppendLine();
        section.AppendLine($"- Commit: `{plan.Commit}`");
        section.AppendLine($"- Machine: {ProcStat.Machine()}; load average {loadAtStart} at start, {loadAtEnd} at end");
        section.AppendLine($"- .NET {RuntimeInformation.FrameworkDescription}; {Tool("wrk", "-v")}; node {Tool("node", "--version")}; Portkey @portkey-ai/gateway 1.15.2{(portkey.Available ? "" : " (not installed in this run)")}");
        section.AppendLine("- Router as shipped: Release, JSON body logging and the Ledger on (SQLite on local disk), console at Warning.");
        section.AppendLine();
        section.Append(table);
        section.AppendLine();
        section.AppendLine("Per-run figures (each row one wrk run; the table takes the median p50/p99 over rounds and totals requests and CPU):");
        section.AppendLine();
        section.AppendLine("```");
        foreach (var phase in new[] { "c1", "c32", "c128" })
        {
            foreach (var t in new[] { direct, yarp, router, portkey }.Where(t => t.Available))
            {
                if (!t.Runs.TryGetValue(phase, out var runs))
                {
                    continue;
                }

                foreach (var run in runs)
                {
                    section.AppendLine(string.Create(Inv,
                        $"{phase,-5} {t.Title,-15} {run.Wrk.Requests,8} req in {run.Wrk.Seconds,5:F2} s = {run.Wrk.Rps,7:F0} req/s  p50 {run.Wrk.P50Ms,8:F3} ms  p99 {run.Wrk.P99Ms,8:F2} ms  cpu {run.CpuMicrosPerRequest,6:F0} us/req"));
                }
            }
        }

        foreach (var t in new[] { direct, yarp, router, portkey }.Where(t => t.Available))
        {
            foreach (var s in t.Streams)
            {
                section.AppendLine(string.Create(Inv,
                    $"stream {t.Title,-15} {s.Streams,5} streams  first data p50 {s.TtfbP50Ms,7:F3} ms  p99 {s.TtfbP99Ms,7:F2} ms  mean gap {s.GapMeanMs,6:F3} ms  whole p50 {s.TotalP50Ms,7:F2} ms"));
            }
        }

        foreach (var l in figures.Ledger)
        {
            section.AppendLine(string.Create(Inv,
                $"ledger {l.Phase,-5} served {l.Served,7}  journal +{l.EventsDuringLoad,6} events during the load (needs {l.EventsNeeded}), all there {l.JournalSeconds:F1} s after  projection +{l.ProjectedDuringLoad,6} during the load, caught up {l.ProjectionSeconds:F1} s after  rows {l.RowsAtLoadEnd,6} at end"));
        }

        section.AppendLine("```");
        section.AppendLine();
        section.AppendLine(End);

        var text = File.Exists(path) ? File.ReadAllText(path) : Skeleton();
        var b = text.IndexOf(Begin, StringComparison.Ordinal);
        var e = text.IndexOf(End, StringComparison.Ordinal);
        text = b >= 0 && e > b
            ? text[..b] + section.ToString().TrimEnd('\n') + text[(e + End.Length)..]
            : text.TrimEnd('\n') + "\n\n" + section;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text);
    }

    private static string Skeleton() => "# Benchmarks\n\nFigures from `scripts/bench.sh` (see README.md).\n\n## Latest run\n\n" + Begin + "\n" + End + "\n";

    private static string Tool(string file, string arg)
    {
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo(file, arg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = System.Diagnostics.Process.Start(info)!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return text.Split('\n')[0].Trim();
        }
        catch (Exception)
        {
            return file + " (version unknown)";
        }
    }

    private static double Added(Target t, Func<Target, double> f, Target baseline) => t.Available ? f(t) - f(baseline) : double.NaN;

    private static string Verdict(bool met) => met ? "met" : "missed";

    private static string Verdict(bool met, double router, double yarp) =>
        met ? "met" : string.Create(Inv, $"missed ({router / yarp:F1}x)");

    private static string Ms(double v) => double.IsNaN(v) ? "n/a"
        : Math.Abs(v) < 10 ? v.ToString("F2", Inv)
        : v.ToString("F1", Inv);

    private static string Plus(double v) => double.IsNaN(v) ? "n/a" : (v >= 0 ? "+" : "") + Ms(v);

    private static string Num(double v) => double.IsNaN(v) || double.IsInfinity(v) ? "n/a" : v.ToString("N0", Inv);

    private static string X(double v) => double.IsNaN(v) || double.IsInfinity(v) ? "n/a" : v.ToString(v < 10 ? "F2" : "F1", Inv) + "x";

    /// <summary>A ratio of added latencies; meaningless when the denominator is at or below zero.</summary>
    private static string Ratio(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b <= 0 ? "n/a" : X(a / b);
}
