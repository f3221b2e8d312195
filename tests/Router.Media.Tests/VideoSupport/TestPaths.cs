namespace OaiRouter.Media.Tests.VideoSupport;

/// <summary>Where the repository and the shared test models are.</summary>
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

    /// <summary>whisper.cpp's test stub (no weights: loads, runs, returns no segments), in ../shared/models.</summary>
    public static string WhisperStubModel
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "models", "for-tests-ggml-tiny.en.bin"));
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"The whisper test model is missing: {path} (shared/models beside the repository).");
        }
    }
}
