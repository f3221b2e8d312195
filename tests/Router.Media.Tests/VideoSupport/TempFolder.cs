namespace OaiRouter.Media.Tests.VideoSupport;

/// <summary>A fresh folder for one test, removed when disposed.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "oairouter-video-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Everything left in the folder, recursively.</summary>
    public IReadOnlyList<string> Entries() =>
        Directory.Exists(Path) ? Directory.GetFileSystemEntries(Path, "*", SearchOption.AllDirectories) : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
