using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OaiRouter.Host.Tests.Support;

/// <summary>
/// The built router as a separate OS process (<c>dotnet Router.Host.dll</c>), for what an in-process host cannot
/// show: a SIGKILL. The SDK copies a referenced executable's <c>.dll</c>, <c>.runtimeconfig.json</c> and
/// <c>.deps.json</c> beside the test assembly, so the router runs from the test's own bin folder in whatever
/// configuration the tests were built; no path into <c>src/</c> is guessed.
/// </summary>
internal sealed class RouterProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 200;

    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private RouterProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the router with <paramref name="environment"/> on a free loopback port and waits for <c>/health</c>.</summary>
    /// <param name="workDir">The working directory: no stray <c>.env</c> is read from anywhere else.</param>
    public static async Task<RouterProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string workDir)
    {
        var binDir = AppContext.BaseDirectory;
        var dll = Path.Combine(binDir, "Router.Host.dll");
        if (!File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new InvalidOperationException($"Router.Host.runtimeconfig.json is not beside {dll}: the router cannot run as a process.");
        }

        var port = FreePort();
        // The dotnet that runs the build and the tests (set by the SDK), so the same runtime runs the router.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--contentRoot", binDir })
        {
            start.ArgumentList.Add(arg);
        }

        // Settings from the developer's shell must not leak in; the test's own go last.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OPENROUTER_", StringComparison.Ordinal)
            || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("MEDIA_", StringComparison.Ordinal)
            || k is "DATABASE_URL" or "LOG_FILE_PATH" or "ROUTER_API_KEYS" or "ROUTER_HOCON_PATH").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var router = new RouterProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => router.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => router.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await router.WaitForHealthAsync(TimeSpan.FromSeconds(60));
            return router;
        }
        catch
        {
            await router.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no flush; returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _process.WaitForExitAsync(bound.Token);
    }

    /// <summary>The router's last lines of console output, for failure messages.</summary>
    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > OutputLinesKept)
            {
                _output.Dequeue();
            }
        }
    }

    private async Task WaitForHealthAsync(TimeSpan bound)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(bound);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The router exited with {_process.ExitCode} before it was ready:\n{Output()}");
            }

            try
            {
                using var response = await http.GetAsync("health", deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !deadline.IsCancellationRequested))
            {
                // Not listening yet, or one slow answer while it starts.
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"The router was not ready within {bound}:\n{Output()}");
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The router was not ready within {bound}:\n{Output()}");
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
