using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OaiRouter.Bench;

/// <summary>
/// A process the benchmark started: its output goes to a log file, and it is killed when the benchmark ends,
/// however it ends (normal exit, exception, Ctrl+C, SIGTERM).
/// </summary>
internal sealed class Child : IDisposable
{
    private static readonly ConcurrentDictionary<int, Child> Running = new();
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly ConcurrentQueue<string> _lines = new();

    static Child()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, e) =>
        {
            KillAll();
            e.Cancel = false;
        };
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll());
    }

    private Child(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="file"/> with its output captured to <paramref name="logPath"/>.</summary>
    public static Child Start(string name, string file, IEnumerable<string> args, string workDir, string logPath,
        IReadOnlyDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        // The router reads .env and a few names from the environment: hand it only what the benchmark means.
        foreach (var key in new[] { "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "ROUTER_API_KEYS", "DATABASE_URL", "LOG_FILE_PATH", "ASPNETCORE_URLS" })
        {
            info.Environment.Remove(key);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new Child(name, process, log);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: {file} did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Running[process.Id] = child;
        return child;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        lock (_log)
        {
            _log.WriteLine(line);
        }
    }

    /// <summary>Waits for an output line starting with <paramref name="prefix"/>; returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            foreach (var line in _lines)
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..].Trim();
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing '{prefix}'");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name} did not print '{prefix}' within {timeout.TotalSeconds} s");
    }

    /// <summary>Waits until <paramref name="url"/> answers (any status when <paramref name="anyStatus"/>, else 2xx).</summary>
    public async Task WaitForHttpAsync(string url, TimeSpan timeout, bool anyStatus = false)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before answering {url}; see its log");
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (anyStatus || response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} did not answer {url} within {timeout.TotalSeconds} s");
    }

    /// <summary>True while <see cref="Pause"/> holds the process stopped.</summary>
    public bool Paused { get; private set; }

    /// <summary>SIGSTOP: the process keeps its state but gets no CPU until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        if (!Paused && !_process.HasExited)
        {
            _ = SysKill(_process.Id, 19);
            Paused = true;
        }
    }

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        if (Paused)
        {
            _ = SysKill(_process.Id, 18);
            Paused = false;
        }
    }

    /// <summary>SIGKILL: the process gets no chance to flush anything.</summary>
    public void KillHard()
    {
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
        }

        _process.WaitForExit(10_000);
        Running.TryRemove(_process.Id, out _);
    }

    /// <summary>SIGTERM, then waits up to <paramref name="grace"/> for the process to leave; SIGKILL after that.</summary>
    public bool Terminate(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            Running.TryRemove(_process.Id, out _);
            return true;
        }

        Resume();
        _ = SysKill(_process.Id, 15);
        var exited = _process.WaitForExit((int)grace.TotalMilliseconds);
        if (!exited)
        {
            KillHard();
        }

        Running.TryRemove(_process.Id, out _);
        return exited;
    }

    public void Dispose()
    {
        Terminate(TimeSpan.FromSeconds(5));
        lock (_log)
        {
            _log.Dispose();
        }

        _process.Dispose();
    }

    /// <summary>Kills every child still running (the benchmark is ending).</summary>
    public static void KillAll()
    {
        foreach (var child in Running.Values)
        {
            try
            {
                if (!child._process.HasExited)
                {
                    child._process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception)
            {
                // Best effort on the way out.
            }
        }

        Running.Clear();
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);
}
