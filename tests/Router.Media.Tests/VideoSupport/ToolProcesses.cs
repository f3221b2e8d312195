namespace OaiRouter.Media.Tests.VideoSupport;

/// <summary>Finds processes by their command line, to check that a killed tool is really gone.</summary>
internal static class ToolProcesses
{
    /// <summary>Ids of live processes whose command line contains <paramref name="marker"/> (e.g. a test server's port).</summary>
    public static IReadOnlyList<int> WithArgument(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var status = File.ReadAllText(Path.Combine(dir, "status"));
                // A zombie has exited; only its parent's bookkeeping is left.
                if (commandLine.Contains(marker, StringComparison.Ordinal) && !status.Contains("State:\tZ", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits (bounded) until no process has <paramref name="marker"/> in its command line.</summary>
    public static async Task<bool> AllGoneAsync(string marker, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (WithArgument(marker).Count == 0)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return WithArgument(marker).Count == 0;
    }
}
