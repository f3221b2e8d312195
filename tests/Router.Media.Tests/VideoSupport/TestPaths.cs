namespace OaiRouter.Media.Tests.VideoSupport;

/// <summary>Where the repository and the test model are.</summary>
internal static class TestPaths
{
    /// <summary>The folder holding OaiRouter.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OaiRouter.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"OaiRouter.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>whisper.cpp's test stub (no weights: loads, runs, returns no segments); see tests/Models/README.md.</summary>
    public static string WhisperStubModel { get; } = Path.Combine(AppContext.BaseDirectory, "Models", "for-tests-ggml-tiny.en.bin");
}
