using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace OaiRouter.Media.Caching;

/// <summary>
/// A content-addressed blob cache on disk: a key (any string, such as <c>"image:v1:" + url + fingerprint</c>)
/// is hashed with SHA-256 and names a file under <c>blobs/</c>. Past <see cref="MediaOptions.CacheMaxBytes"/>
/// the least recently used blobs are evicted. The index lives in memory and is rebuilt by scanning the folder,
/// so the cache survives a restart; last use is kept in each file's modification time. Safe for concurrent use:
/// blobs are written to <c>tmp/</c> and moved into place, so a reader never sees half a blob.
/// The cache is best effort: a folder that cannot be read or written makes every look-up a miss (logged),
/// never a failed request. Typed helpers for images and video digests are in <c>MediaCache.Entries.cs</c>.
/// </summary>
public sealed partial class MediaCache
{
    private const string BlobFolder = "blobs";
    private const string TempFolder = "tmp";

    private readonly string _root;
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _totalBytes;
    private volatile bool _loaded;
    private volatile bool _disabled;

    /// <summary>Creates the cache over <see cref="MediaOptions.CacheDir"/>; the folder is scanned on first use.</summary>
    public MediaCache(IOptions<MediaOptions> options, TimeProvider? timeProvider = null, ILogger<MediaCache>? logger = null)
        : this(options.Value.CacheDir, options.Value.CacheMaxBytes, timeProvider, logger)
    {
    }

    internal MediaCache(string directory, long maxBytes, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _root = Path.GetFullPath(directory);
        _maxBytes = maxBytes;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Scans the folder now (otherwise done on first use): call at start-up so the first request does not pay
    /// for it. Returns false when the folder cannot be used, in which case the cache stays empty.
    /// </summary>
    public bool Load()
    {
        EnsureLoaded();
        return !_disabled;
    }

    /// <summary>Bytes held now (blob files only).</summary>
    public long TotalBytes
    {
        get
        {
            EnsureLoaded();
            return Interlocked.Read(ref _totalBytes);
        }
    }

    /// <summary>Blobs held now.</summary>
    public int Count
    {
        get
        {
            EnsureLoaded();
            return _entries.Count;
        }
    }

    /// <summary>The SHA-256 (lower-case hex) of a key: the blob's file name.</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A key made from content itself (<c>"content:" + SHA-256 of the bytes</c>).</summary>
    public static string ContentKey(ReadOnlySpan<byte> content) => "content:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>True when a blob for <paramref name="key"/> is held (it may still be evicted before it is read).</summary>
    public bool Contains(string key)
    {
        EnsureLoaded();
        return _entries.ContainsKey(HashKey(key));
    }

    /// <summary>The blob stored under <paramref name="key"/>, or null; a hit counts as a use for eviction.</summary>
    public async Task<byte[]?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        EnsureLoaded();
        var hash = HashKey(key);
        if (!_entries.TryGetValue(hash, out var entry))
        {
            return null;
        }

        var path = BlobPath(hash);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // Evicted (or removed by hand) between the index look-up and the read.
            Forget(hash, entry);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Media cache could not read {Path}; treated as a miss", path);
            Forget(hash, entry);
            return null;
        }

        Touch(path, entry);
        return bytes;
    }

    /// <summary>Stores <paramref name="bytes"/> under <paramref name="key"/>, replacing any earlier blob, then evicts if over the cap.</summary>
    public async Task PutAsync(string key, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        EnsureLoaded();
        if (_disabled || bytes.Length > _maxBytes)
        {
            return; // A blob over the cap would evict everything else and then itself.
        }

        var hash = HashKey(key);
        var path = BlobPath(hash);
        var temp = Path.Combine(_root, TempFolder, $"{hash}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            var now = _time.GetUtcNow().UtcDateTime;
            File.SetLastWriteTimeUtc(temp, now);
            lock (_gate)
            {
                // Renaming under the gate keeps the index and the folder in step with eviction and Remove.
                File.Move(temp, path, overwrite: true);
                if (_entries.TryGetValue(hash, out var old))
                {
                    _totalBytes -= old.Size;
                }

                _entries[hash] = new Entry(bytes.Length, now.Ticks);
                _totalBytes += bytes.Length;
                EvictIfNeeded();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Media cache could not store {Path}; going on without it", path);
        }
        finally
        {
            if (File.Exists(temp))
            {
                TryDelete(temp);
            }
        }
    }

    /// <summary>Removes the blob under <paramref name="key"/>, if any.</summary>
    public void Remove(string key)
    {
        EnsureLoaded();
        var hash = HashKey(key);
        lock (_gate)
        {
            if (_entries.TryRemove(hash, out var entry))
            {
                _totalBytes -= entry.Size;
                TryDelete(BlobPath(hash));
            }
        }
    }

    private string BlobPath(string hash) => Path.Combine(_root, BlobFolder, hash[..2], hash);

    private void Touch(string path, Entry entry)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        Interlocked.Exchange(ref entry.LastUsedTicks, now.Ticks);
        try
        {
            // Persisted so that the order of use survives a restart.
            File.SetLastWriteTimeUtc(path, now);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Forget(string hash, Entry entry)
    {
        lock (_gate)
        {
            // Only if the index still holds this very entry (a newer put may have replaced it).
            if (_entries.TryRemove(new KeyValuePair<string, Entry>(hash, entry)))
            {
                _totalBytes -= entry.Size;
            }
        }
    }

    /// <summary>Evicts least recently used blobs down to 90% of the cap, so that one put does not evict at every call. Call under the gate.</summary>
    private void EvictIfNeeded()
    {
        if (_totalBytes <= _maxBytes)
        {
            return;
        }

        var target = _maxBytes - (_maxBytes / 10);
        var evicted = 0;
        foreach (var (hash, entry) in _entries.OrderBy(e => Interlocked.Read(ref e.Value.LastUsedTicks)).ToList())
        {
            if (_totalBytes <= target)
            {
                break;
            }

            if (_entries.TryRemove(hash, out _))
            {
                _totalBytes -= entry.Size;
                TryDelete(BlobPath(hash));
                evicted++;
            }
        }

        _logger.LogInformation("Media cache evicted {Count} blobs, {Bytes} bytes held", evicted, _totalBytes);
    }

    private void EnsureLoaded()
    {
        if (_loaded)
        {
            return;
        }

        lock (_gate)
        {
            if (_loaded)
            {
                return;
            }

            try
            {
                var blobs = Directory.CreateDirectory(Path.Combine(_root, BlobFolder));
                var temp = Directory.CreateDirectory(Path.Combine(_root, TempFolder));
                foreach (var leftover in temp.EnumerateFiles())
                {
                    TryDelete(leftover.FullName); // from a process that stopped mid-write
                }

                foreach (var file in blobs.EnumerateFiles("*", SearchOption.AllDirectories))
                {
                    if (file.Name.Length == 64 && file.Name.All(char.IsAsciiHexDigitLower))
                    {
                        _entries[file.Name] = new Entry(file.Length, file.LastWriteTimeUtc.Ticks);
                        _totalBytes += file.Length;
                    }
                }

                _logger.LogInformation("Media cache at {Path}: {Count} blobs, {Bytes} bytes", _root, _entries.Count, _totalBytes);
                EvictIfNeeded();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(e, "Media cache folder {Path} cannot be used (MEDIA_CACHE_DIR); media will not be cached", _root);
                _entries.Clear();
                _totalBytes = 0;
                _disabled = true;
            }

            _loaded = true;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class Entry(long size, long lastUsedTicks)
    {
        public long Size { get; } = size;

        public long LastUsedTicks = lastUsedTicks;
    }
}
