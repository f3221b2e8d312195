using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Bench;

/// <summary>Tracking UI query times at one database size (server side, median ms), from Router.Seed --bench.</summary>
internal sealed record UiResult(long Rows, double ListMs, double SearchMs, double SlowestMs, string SlowestName, string? Note);

/// <summary>
/// Seeds a database with Router.Seed (once per size and build of the seeder: kept in the work folder, because a
/// million rows take minutes) and times the UI's queries with its --bench.
/// </summary>
internal static partial class UiBench
{
    public static async Task<UiResult> RunAsync(string seedDir, string workDir, long rows, TextWriter log)
    {
        var seedDll = Path.Combine(seedDir, "Router.Seed.dll");
        if (!File.Exists(seedDll))
        {
            return new UiResult(rows, double.NaN, double.NaN, double.NaN, "", "pending: tools/Router.Seed is not there");
        }

        // A seeded file is reused while the requests table's schema is the same (the seeder adds any newer
        // indexes itself when it opens the file): seeding a million rows takes about ten minutes.
        var stamp = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RequestsSchema.CreateSql)))[..12];
        var db = Path.Combine(workDir, "ui", $"seed-{rows}-{stamp}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        if (!File.Exists(db + ".done"))
        {
            foreach (var old in Directory.GetFiles(Path.GetDirectoryName(db)!, $"seed-{rows}-*"))
            {
                File.Delete(old);
            }

            log.WriteLine($"  seeding {rows:N0} rows (once; kept as {db}) ...");
            var clock = Stopwatch.StartNew();
            var (code, output) = await RunSeedAsync(seedDll, ["--db", db, "--rows", rows.ToString(CultureInfo.InvariantCulture)]);
            if (code != 0)
            {
                return new UiResult(rows, double.NaN, double.NaN, double.NaN, "", "seeding failed: " + Last(output));
            }

            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeded in {clock.Elapsed.TotalSeconds:F0} s"));
            await File.WriteAllTextAsync(db + ".done", DateTime.UtcNow.ToString("O"));
        }

        var (_, bench) = await RunSeedAsync(seedDll, ["--db", db, "--bench", "--runs", rows >= 1_000_000 ? "3" : "5"]);
        var list = Median(bench, "list: first page");
        var search = Median(bench, "search: common word");
        var slowest = SlowestRegex().Match(bench);
        var slowestName = "";
        var slowestMs = double.NaN;
        if (slowest.Success)
        {
            slowestMs = double.Parse(slowest.Groups[1].Value, CultureInfo.InvariantCulture);
            slowestName = bench.Split('\n')
                .Select(l => LineRegex().Match(l))
                .Where(m => m.Success && !m.Groups[1].Value.StartsWith("summary", StringComparison.Ordinal))
                .OrderByDescending(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
                .Select(m => m.Groups[1].Value.Trim())
                .FirstOrDefault() ?? "";
        }

        if (double.IsNaN(list))
        {
            return new UiResult(rows, double.NaN, double.NaN, double.NaN, "", "Router.Seed --bench printed no figures: " + Last(bench));
        }

        return new UiResult(rows, list, search, slowestMs, slowestName, null);
    }

    private static double Median(string bench, string name)
    {
        foreach (var line in bench.Split('\n'))
        {
            var m = LineRegex().Match(line);
            if (m.Success && m.Groups[1].Value.Trim() == name)
            {
                return double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    private static string Last(string output) => output.Trim().Split('\n').LastOrDefault() ?? "";

    private static async Task<(int Code, string Output)> RunSeedAsync(string dll, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    // "<name padded to 36> <median> <max> [<more figures>] rows <n>": the first figure is the median wall time.
    [GeneratedRegex(@"^(.{36})\s+([\d.]+)\s+([\d.]+)(?:\s+[\d.]+)*\s+rows")]
    private static partial Regex LineRegex();

    [GeneratedRegex(@"slowest list/filter/sort/search median: ([\d.]+) ms")]
    private static partial Regex SlowestRegex();
}
