using System.Diagnostics;
using OaiRouter.Media.Caching;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Tests.Support;

namespace OaiRouter.Media.Tests.Caching;

public sealed class MediaCacheTests
{
    private static byte[] Blob(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public async Task PutThenGet_Hit_MissForOtherKeys()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 1_000_000);

        await cache.PutAsync("k1", Blob(100, 1));

        Assert.Equal(Blob(100, 1), await cache.TryGetAsync("k1"));
        Assert.Null(await cache.TryGetAsync("k2"));
        Assert.True(cache.Contains("k1"));
        Assert.Equal(100, cache.TotalBytes);
    }

    [Fact]
    public async Task Put_SameKey_Replaces()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 1_000_000);
        await cache.PutAsync("k", Blob(100, 1));
        await cache.PutAsync("k", Blob(50, 2));
        Assert.Equal(Blob(50, 2), await cache.TryGetAsync("k"));
        Assert.Equal(50, cache.TotalBytes);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task OverCap_EvictsLeastRecentlyUsed()
    {
        using var folder = new TempFolder();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cache = new MediaCache(folder.Path, 1000, clock);
        await cache.PutAsync("a", Blob(300, 1));
        clock.Advance(TimeSpan.FromMinutes(1));
        await cache.PutAsync("b", Blob(300, 2));
        clock.Advance(TimeSpan.FromMinutes(1));
        await cache.PutAsync("c", Blob(300, 3));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(await cache.TryGetAsync("a")); // "a" is now the most recently used
        clock.Advance(TimeSpan.FromMinutes(1));

        await cache.PutAsync("d", Blob(300, 4));

        Assert.Null(await cache.TryGetAsync("b"));
        Assert.NotNull(await cache.TryGetAsync("a"));
        Assert.NotNull(await cache.TryGetAsync("d"));
        Assert.True(cache.TotalBytes <= 900);
        Assert.Equal(cache.TotalBytes, Directory.EnumerateFiles(Path.Combine(folder.Path, "blobs"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
    }

    [Fact]
    public async Task BlobLargerThanCap_NotStored()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 100);
        await cache.PutAsync("small", Blob(50, 1));
        await cache.PutAsync("huge", Blob(500, 2));
        Assert.Null(await cache.TryGetAsync("huge"));
        Assert.NotNull(await cache.TryGetAsync("small"));
    }

    [Fact]
    public async Task Restart_IndexRebuilt_WithUseOrderKept()
    {
        using var folder = new TempFolder();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var before = new MediaCache(folder.Path, 1000, clock);
        await before.PutAsync("old", Blob(400, 1));
        clock.Advance(TimeSpan.FromMinutes(1));
        await before.PutAsync("new", Blob(400, 2));
        clock.Advance(TimeSpan.FromMinutes(1));
        await before.TryGetAsync("old"); // used last: must outlive "new"
        clock.Advance(TimeSpan.FromMinutes(1));
        File.WriteAllText(Path.Combine(folder.Path, "tmp", "left-over.tmp"), "half a blob");

        var after = new MediaCache(folder.Path, 1000, clock);
        Assert.Equal(800, after.TotalBytes);
        Assert.Equal(2, after.Count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(folder.Path, "tmp")));
        await after.PutAsync("third", Blob(400, 3));

        Assert.NotNull(await after.TryGetAsync("old"));
        Assert.Null(await after.TryGetAsync("new"));
        Assert.NotNull(await after.TryGetAsync("third"));
    }

    [Fact]
    public async Task Restart_WithSmallerCap_EvictsAtStart()
    {
        using var folder = new TempFolder();
        var first = new MediaCache(folder.Path, 10_000);
        for (var i = 0; i < 10; i++)
        {
            await first.PutAsync($"k{i}", Blob(500, (byte)i));
        }

        var smaller = new MediaCache(folder.Path, 2000);
        Assert.True(smaller.TotalBytes <= 2000);
    }

    [Fact]
    public async Task FileRemovedBehindTheCache_Miss()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 10_000);
        await cache.PutAsync("k", Blob(10, 1));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder.Path, "blobs"), "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
        }

        Assert.Null(await cache.TryGetAsync("k"));
        Assert.Equal(0, cache.TotalBytes);
    }

    [Fact]
    public async Task ConcurrentPutsAndGets_StayConsistent()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 50_000);
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var key = $"k{i % 60}";
            if (i % 3 == 0)
            {
                var got = await cache.TryGetAsync(key, ct);
                Assert.True(got is null || got.All(b => b == (byte)(i % 60)));
            }
            else
            {
                await cache.PutAsync(key, Blob(1000, (byte)(i % 60)), ct);
            }
        });

        Assert.True(cache.TotalBytes <= 50_000);
        var onDisk = Directory.EnumerateFiles(Path.Combine(folder.Path, "blobs"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Equal(cache.TotalBytes, onDisk);
    }

    [Fact]
    public async Task Image_RoundTrips_FlaggedFromCache()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 1_000_000);
        var image = new NormalizedImage("image/jpeg", [1, 2, 3, 4], 640, 480, 12345, FromCache: false);
        await cache.PutImageAsync("img", image);

        var hit = await cache.TryGetImageAsync("img");
        var fastest = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await cache.TryGetImageAsync("img");
            fastest = TimeSpan.FromTicks(Math.Min(fastest.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
        }

        Assert.NotNull(hit);
        Assert.Equal(image with { FromCache = true, Bytes = hit.Bytes }, hit);
        Assert.Equal(image.Bytes, hit.Bytes);
        Assert.True(fastest < TimeSpan.FromMilliseconds(20), $"a hit took {fastest.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Digest_RoundTrips_FramesAndTranscript()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 1_000_000);
        var digest = new VideoDigest(
            "https://example.com/v.mp4",
            TimeSpan.FromSeconds(12.3),
            [new VideoFrame(TimeSpan.FromSeconds(0), [1, 2, 3], 640, 360), new VideoFrame(TimeSpan.FromSeconds(4), [4, 5], 640, 360)],
            [new TranscriptSegment(TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(3.4), "hello there")],
            TranscriptNote: null,
            BytesFetched: 999,
            FromCache: false,
            new Dictionary<string, double> { ["download"] = 12.5 });
        var key = MediaCache.VideoKey(digest.SourceUrl, "frames=12");

        await cache.PutDigestAsync(key, digest);
        var hit = await cache.TryGetDigestAsync(key);

        Assert.NotNull(hit);
        Assert.True(hit.FromCache);
        Assert.Equal(digest.SourceUrl, hit.SourceUrl);
        Assert.Equal(digest.Duration, hit.Duration);
        Assert.Equal(digest.Transcript, hit.Transcript);
        Assert.Equal(2, hit.Frames.Count);
        Assert.Equal(TimeSpan.FromSeconds(4), hit.Frames[1].At);
        Assert.Equal(new byte[] { 4, 5 }, hit.Frames[1].Jpeg);
        Assert.Equal(999, hit.BytesFetched);
        Assert.Equal(12.5, hit.StageMilliseconds["download"]);
        Assert.Null(await cache.TryGetDigestAsync(MediaCache.VideoKey(digest.SourceUrl, "frames=6")));
    }

    [Fact]
    public async Task WrongEntryType_TreatedAsMissAndRemoved()
    {
        using var folder = new TempFolder();
        var cache = new MediaCache(folder.Path, 1_000_000);
        await cache.PutAsync("k", Blob(20, 7));
        Assert.Null(await cache.TryGetImageAsync("k"));
        Assert.False(cache.Contains("k"));
    }

    [Fact]
    public async Task UnusableFolder_EveryLookupMisses_NothingThrows()
    {
        using var folder = new TempFolder();
        var notAFolder = Path.Combine(folder.Path, "file");
        await File.WriteAllTextAsync(notAFolder, "in the way");
        var cache = new MediaCache(Path.Combine(notAFolder, "cache"), 10_000);

        Assert.False(cache.Load());
        await cache.PutAsync("k", Blob(10, 1));
        Assert.Null(await cache.TryGetAsync("k"));
        Assert.Equal(0, cache.Count);
    }
}
