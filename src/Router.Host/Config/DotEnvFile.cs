namespace OaiRouter.Host.Config;

/// <summary>Reads <c>.env</c> from the working directory into the environment; real environment variables win.</summary>
internal static class DotEnvFile
{
    public static void Load(string directory)
    {
        var path = Path.Combine(directory, ".env");
        if (File.Exists(path))
        {
            DotNetEnv.Env.NoClobber().Load(path);
        }
    }
}
