using System.Globalization;
using System.Runtime.InteropServices;

namespace OaiRouter.Bench;

/// <summary>CPU time and resident memory of a process, from /proc.</summary>
internal static class ProcStat
{
    private const int ScClkTck = 2;

    private static readonly long TicksPerSecond = Math.Max(1, SysConf(ScClkTck));

    /// <summary>User plus system CPU time of <paramref name="pid"/> so far, in seconds.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
        return (utime + stime) / (double)TicksPerSecond;
    }

    /// <summary>Resident set size of <paramref name="pid"/> in MiB (VmRSS).</summary>
    public static double RssMiB(int pid) => StatusKiB(pid, "VmRSS:") / 1024.0;

    private static long StatusKiB(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>A background sampler that keeps the largest RSS seen.</summary>
    public sealed class PeakRss : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public PeakRss(int pid)
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        Peak = Math.Max(Peak, RssMiB(pid));
                        await Task.Delay(200, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    catch (IOException)
                    {
                        return;
                    }
                }
            });
        }

        public double Peak { get; private set; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    /// <summary>The machine: cores, CPU model, memory, load.</summary>
    public static string Machine()
    {
        var model = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memKiB = File.ReadLines("/proc/meminfo")
            .First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var gib = long.Parse(memKiB, CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores (nproc), {model}, {gib:F1} GiB RAM, {RuntimeInformation.OSDescription}");
    }

    /// <summary>The 1-minute load average.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
