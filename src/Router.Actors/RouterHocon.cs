using Akka.Configuration;

namespace OaiRouter.Actors;

/// <summary>Loads router.hocon, the documented file where operators size pools.</summary>
public static class RouterHocon
{
    public const string PathVariable = "ROUTER_HOCON_PATH";

    public static Config Load(string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable(PathVariable);
        path = string.IsNullOrWhiteSpace(path) ? Path.Combine(AppContext.BaseDirectory, "router.hocon") : path;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The actor configuration {path} is missing ({PathVariable} names another).", path);
        }
        return ConfigurationFactory.ParseString(File.ReadAllText(path));
    }

    public static TimeSpan AskTimeout(Config config) =>
        config.GetTimeSpan("oai-router.ask-timeout", TimeSpan.FromMinutes(10));
}
