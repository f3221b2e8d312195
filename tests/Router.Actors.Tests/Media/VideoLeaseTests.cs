using System.Reflection;
using OaiRouter.Actors.Media;
using OaiRouter.Media.Video;

namespace OaiRouter.Actors.Tests.Media;

public sealed class VideoLeaseTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oairouter-lease-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>A downloaded video over a real folder (made the way the pipeline makes it).</summary>
    private DownloadedVideo Video()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "source.media"), "not really a video");
        var constructor = typeof(DownloadedVideo).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic,
            [typeof(string), typeof(string), typeof(string)])!;
        return (DownloadedVideo)constructor.Invoke(["https://v.example/a.mp4", _folder, Path.Combine(_folder, "source.media")]);
    }

    [Fact]
    public void Folder_StaysWhileAWorkHoldsIt_AndGoesWithTheLast()
    {
        var lease = new VideoLease(Video());
        Assert.True(lease.TryAcquire());

        lease.ReleaseOwner();
        lease.ReleaseOwner(); // twice is once
        Assert.True(Directory.Exists(_folder));

        lease.Release();
        Assert.False(Directory.Exists(_folder));
        Assert.True(lease.IsReleased);
        Assert.False(lease.TryAcquire());
    }

    [Fact]
    public void OwnerGone_ReleasesWithoutTheOwner()
    {
        using var owner = new CancellationTokenSource();
        var lease = new VideoLease(Video());
        lease.ReleaseOwnerWhen(owner.Token);

        owner.Cancel();

        Assert.False(Directory.Exists(_folder));
    }
}
