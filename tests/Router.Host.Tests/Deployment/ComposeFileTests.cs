using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OaiRouter.Host.Tests.Deployment;

/// <summary>
/// Checks the deployment files at the repository root (docker-compose.yml, Dockerfile,
/// .env.example) against what the router expects, since no Docker engine runs in CI.
/// </summary>
public sealed class ComposeFileTests
{
    /// <summary>Every configuration name the router reads.</summary>
    // The router's own list, plus names read by parts configured outside SeedSettings.
    private static readonly string[] KnownSettingNames = [.. OaiRouter.Host.Config.SeedSettings.Names, "WHISPER_MODEL_PATH"];

    // An assignment line, active or commented out ("# NAME=value" documents an optional setting).
    private static readonly Regex EnvAssignment = new(
        @"^\s*(?<commented>#\s*)?(?:export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$",
        RegexOptions.CultureInvariant);

    private static readonly Lazy<string> RepoRoot = new(FindRepoRoot);

    [Fact]
    public void ComposeFile_DefinesRouterService()
    {
        var services = AsMapping(Child(LoadComposeRoot(), "services"), "services");

        Assert.NotNull(Child(services, "router"));
    }

    [Fact]
    public void RouterService_BuildsFromRepoDockerfile()
    {
        var build = Child(LoadRouterService(), "build");
        Assert.NotNull(build);

        string context;
        var dockerfile = "Dockerfile";
        if (build is YamlMappingNode buildMapping)
        {
            context = ScalarOrNull(Child(buildMapping, "context")) ?? ".";
            dockerfile = ScalarOrNull(Child(buildMapping, "dockerfile")) ?? dockerfile;
        }
        else
        {
            context = Scalar(build, "build");
        }

        Assert.Equal("Dockerfile", dockerfile);
        var resolved = Path.GetFullPath(Path.Combine(RepoRoot.Value, context, dockerfile));
        Assert.Equal(Path.Combine(RepoRoot.Value, "Dockerfile"), resolved);
        Assert.True(File.Exists(resolved), $"{resolved} does not exist");
    }

    [Fact]
    public void RouterService_ReadsDotEnvFile()
    {
        var envFile = Child(LoadRouterService(), "env_file");
        Assert.NotNull(envFile);

        var paths = envFile switch
        {
            YamlSequenceNode sequence => sequence.Children
                .Select(item => item is YamlMappingNode entry
                    ? Scalar(Child(entry, "path"), "env_file[].path")
                    : Scalar(item, "env_file[]"))
                .ToList(),
            _ => [Scalar(envFile, "env_file")],
        };

        Assert.Contains(".env", paths);
    }

    [Fact]
    public void RouterService_MapsContainerPort8000()
    {
        var ports = AsSequence(Child(LoadRouterService(), "ports"), "ports");

        var containerPorts = ports.Children.Select(ContainerPort).ToList();

        Assert.Contains("8000", containerPorts);
    }

    [Fact]
    public void RouterService_MountsDataAndLogs()
    {
        var volumes = AsSequence(Child(LoadRouterService(), "volumes"), "volumes");

        var targets = volumes.Children.Select(VolumeTarget).ToList();

        Assert.Contains("/data", targets);
        Assert.Contains("/logs", targets);
    }

    [Fact]
    public void RouterService_DatabaseUrlPointsIntoDataVolume()
    {
        var environment = LoadRouterEnvironment();

        Assert.True(environment.TryGetValue("DATABASE_URL", out var databaseUrl), "DATABASE_URL is not set");
        Assert.Contains("/data/", databaseUrl);
        Assert.Equal("sqlite:////data/oai_router.db", databaseUrl);
    }

    [Fact]
    public void RouterService_LogFileIsUnderLogsVolume()
    {
        var environment = LoadRouterEnvironment();

        Assert.True(environment.TryGetValue("LOG_FILE_PATH", out var logFilePath), "LOG_FILE_PATH is not set");
        Assert.StartsWith("/logs/", logFilePath);
    }

    [Fact]
    public void Dockerfile_EntrypointRunsRouterHostDll()
    {
        var entrypoints = File.ReadAllLines(Path.Combine(RepoRoot.Value, "Dockerfile"))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("ENTRYPOINT", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.NotEmpty(entrypoints);
        // Only the last ENTRYPOINT of the final stage takes effect.
        Assert.Contains("Router.Host.dll", entrypoints[^1]);
    }

    [Fact]
    public void EnvExample_NamesOnlyKnownSettings()
    {
        var names = ReadEnvExample().Select(entry => entry.Name).ToList();

        var unknown = names.Where(name => !KnownSettingNames.Contains(name)).ToList();

        Assert.NotEmpty(names);
        Assert.Empty(unknown);
    }

    [Fact]
    public void EnvExample_DocumentsEveryKnownSetting()
    {
        var names = ReadEnvExample().Select(entry => entry.Name).ToHashSet();

        var missing = KnownSettingNames.Where(name => !names.Contains(name)).ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void EnvExample_LeavesApiKeyEmpty()
    {
        var apiKey = Assert.Single(ReadEnvExample(), entry => entry.Name == "OPENROUTER_API_KEY");

        Assert.False(apiKey.Commented);
        Assert.Equal(string.Empty, apiKey.Value);
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OaiRouter.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"OaiRouter.sln not found above {AppContext.BaseDirectory}");
    }

    private static YamlMappingNode LoadComposeRoot()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoRoot.Value, "docker-compose.yml")))
        {
            stream.Load(reader);
        }

        Assert.NotEmpty(stream.Documents);
        return AsMapping(stream.Documents[0].RootNode, "docker-compose.yml");
    }

    private static YamlMappingNode LoadRouterService()
    {
        var services = AsMapping(Child(LoadComposeRoot(), "services"), "services");
        return AsMapping(Child(services, "router"), "services.router");
    }

    private static Dictionary<string, string> LoadRouterEnvironment()
    {
        var environment = Child(LoadRouterService(), "environment");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (environment)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    result[Scalar(key, "environment key")] = ScalarOrNull(value) ?? string.Empty;
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    var text = Scalar(item, "environment[]");
                    var separator = text.IndexOf('=', StringComparison.Ordinal);
                    if (separator > 0)
                    {
                        result[text[..separator]] = text[(separator + 1)..];
                    }
                }

                break;
            case null:
                break;
            default:
                Assert.Fail("services.router.environment is neither a mapping nor a list");
                break;
        }

        return result;
    }

    private static List<EnvEntry> ReadEnvExample()
    {
        var entries = new List<EnvEntry>();
        foreach (var line in File.ReadAllLines(Path.Combine(RepoRoot.Value, ".env.example")))
        {
            var match = EnvAssignment.Match(line);
            if (match.Success)
            {
                entries.Add(new EnvEntry(
                    match.Groups["name"].Value,
                    match.Groups["value"].Value.Trim(),
                    match.Groups["commented"].Success));
            }
        }

        return entries;
    }

    // "8000", "8000:8000", "127.0.0.1:8000:8000/tcp" or the long syntax { target: 8000 }.
    private static string ContainerPort(YamlNode port)
    {
        if (port is YamlMappingNode mapping)
        {
            return Scalar(Child(mapping, "target"), "ports[].target");
        }

        var text = Scalar(port, "ports[]");
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            text = text[..slash];
        }

        return text[(text.LastIndexOf(':') + 1)..];
    }

    // "./data:/data", "./data:/data:rw" or the long syntax { source: ./data, target: /data }.
    private static string VolumeTarget(YamlNode volume)
    {
        if (volume is YamlMappingNode mapping)
        {
            return Scalar(Child(mapping, "target"), "volumes[].target");
        }

        var parts = Scalar(volume, "volumes[]").Split(':');
        return parts.Length >= 2 ? parts[1] : parts[0];
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key)
    {
        foreach (var (childKey, value) in mapping.Children)
        {
            if (childKey is YamlScalarNode scalar && scalar.Value == key)
            {
                return value;
            }
        }

        return null;
    }

    private static YamlMappingNode AsMapping(YamlNode? node, string what) =>
        node as YamlMappingNode ?? throw new InvalidOperationException($"{what} is missing or not a mapping");

    private static YamlSequenceNode AsSequence(YamlNode? node, string what) =>
        node as YamlSequenceNode ?? throw new InvalidOperationException($"{what} is missing or not a list");

    private static string Scalar(YamlNode? node, string what) =>
        ScalarOrNull(node) ?? throw new InvalidOperationException($"{what} is missing or not a scalar");

    private static string? ScalarOrNull(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private sealed record EnvEntry(string Name, string Value, bool Commented);
}
