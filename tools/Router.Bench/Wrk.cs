using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OaiRouter.Bench;

/// <summary>One wrk run: what it served and how fast.</summary>
internal sealed record WrkResult(long Requests, double Seconds, double P50Ms, double P99Ms, long Non2xx, long SocketErrors)
{
    public double Rps => Seconds > 0 ? Requests / Seconds : 0;
}

/// <summary>Runs Debian's wrk with a Lua script that POSTs a chat completion.</summary>
internal static partial class Wrk
{
    /// <summary>Writes the Lua script for a target: the POST body and its headers.</summary>
    public static string WriteScript(string dir, string name, string body, IReadOnlyDictionary<string, string> headers)
    {
        var lua = new StringBuilder();
        lua.AppendLine("wrk.method = \"POST\"");
        lua.AppendLine("wrk.body = " + LuaString(body));
        lua.AppendLine("wrk.headers[\"Content-Type\"] = \"application/json\"");
        foreach (var (k, v) in headers)
        {
            lua.AppendLine($"wrk.headers[{LuaString(k)}] = {LuaString(v)}");
        }

        var path = Path.Combine(dir, $"post-{name}.lua");
        File.WriteAllText(path, lua.ToString());
        return path;
    }

    private static string LuaString(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>Runs wrk for <paramref name="seconds"/> at <paramref name="connections"/> and parses its report.</summary>
    public static async Task<WrkResult> RunAsync(string url, string script, int connections, int seconds)
    {
        var threads = Math.Min(connections, 2);
        var info = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-t", threads.ToString(CultureInfo.InvariantCulture),
                     "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", seconds.ToString(CultureInfo.InvariantCulture) + "s",
                     "--timeout", "10s", "--latency", "-s", script, url,
                 })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds + 30));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {await stderr}{text}");
        }

        return Parse(text);
    }

    internal static WrkResult Parse(string text)
    {
        var served = ServedRegex().Match(text);
        if (!served.Success)
        {
            throw new FormatException("wrk printed no request count:\n" + text);
        }

        var requests = long.Parse(served.Groups[1].Value, CultureInfo.InvariantCulture);
        var seconds = Duration(served.Groups[2].Value, served.Groups[3].Value) / 1000.0;
        double p50 = double.NaN, p99 = double.NaN;
        foreach (Match m in PercentileRegex().Matches(text))
        {
            var ms = Duration(m.Groups[2].Value, m.Groups[3].Value);
            if (m.Groups[1].Value == "50")
            {
                p50 = ms;
            }
            else if (m.Groups[1].Value == "99")
            {
                p99 = ms;
            }
        }

        var non2xx = NonOkRegex().Match(text) is { Success: true } n ? long.Parse(n.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        long socketErrors = 0;
        if (SocketRegex().Match(text) is { Success: true } s)
        {
            for (var i = 1; i <= 4; i++)
            {
                socketErrors += long.Parse(s.Groups[i].Value, CultureInfo.InvariantCulture);
            }
        }

        return new WrkResult(requests, seconds, p50, p99, non2xx, socketErrors);
    }

    /// <summary>wrk's durations ("172.00us", "1.20ms", "2.00s", "1.00m") in milliseconds.</summary>
    private static double Duration(string number, string unit)
    {
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => value / 1000.0,
            "ms" => value,
            "s" => value * 1000.0,
            "m" => value * 60_000.0,
            "h" => value * 3_600_000.0,
            _ => throw new FormatException("unknown wrk unit " + unit),
        };
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m|h),")]
    private static partial Regex ServedRegex();

    [GeneratedRegex(@"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline)]
    private static partial Regex PercentileRegex();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonOkRegex();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketRegex();
}
