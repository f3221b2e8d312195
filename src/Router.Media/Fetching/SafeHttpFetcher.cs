using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Fetching;

/// <summary>
/// Fetches client-supplied URLs without letting a client reach what it should not (SSRF): http and https
/// only; every host's addresses are resolved and checked before connecting, and again on every redirect
/// (followed by hand, a bounded number of times); the socket connects to the address that was checked,
/// never to a second lookup. Byte caps hold while streaming, with or without Content-Length, and each
/// fetch has a time limit. Failures are <see cref="MediaFailure"/>s; a cancelled caller gets
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class SafeHttpFetcher : IDisposable
{
    private static readonly HttpRequestOptionsKey<HostVerdict> VettedKey = new("OaiRouter.Media.VettedTarget");

    private readonly HttpClient _client;
    private readonly MediaOptions _options;
    private readonly HostVetter _vetter;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a fetcher with its own connection pool; dispose it with the application.</summary>
    /// <param name="resolver">Host name resolution; the system resolver when null.</param>
    public SafeHttpFetcher(
        IOptions<MediaOptions> options,
        IHostResolver? resolver = null,
        TimeProvider? timeProvider = null,
        ILogger<SafeHttpFetcher>? logger = null)
        : this(options.Value, resolver, refusalReason: null, onConnect: null, timeProvider, logger)
    {
    }

    /// <param name="refusalReason">Replaces <see cref="NetworkPolicy.RefusalReason"/> (tests: treat loopback as "public").</param>
    /// <param name="onConnect">Sees every endpoint a socket is about to connect to (tests: prove nothing was connected).</param>
    internal SafeHttpFetcher(
        MediaOptions options,
        IHostResolver? resolver,
        Func<IPAddress, string?>? refusalReason,
        Action<IPEndPoint>? onConnect,
        TimeProvider? timeProvider,
        ILogger? logger)
    {
        _options = options;
        _vetter = new HostVetter(options.AllowPrivateNetworks, resolver ?? new DnsHostResolver(), refusalReason, onConnect);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // A proxy would connect on our behalf to addresses we never checked.
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectToVettedAddressAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OaiRouter-Media", "1.0"));
        _client.DefaultRequestHeaders.Accept.ParseAdd("image/*, video/*;q=0.9, */*;q=0.5");
    }

    /// <summary>Fetches <paramref name="url"/> into memory, refusing bodies over <paramref name="maxBytes"/>.</summary>
    public async Task<FetchedContent> FetchAsync(string url, long maxBytes, CancellationToken cancellationToken)
    {
        return await WithLimitsAsync(url, _options.FetchTimeout, cancellationToken, async ct =>
        {
            using var response = await SendAsync(url, maxBytes, ct).ConfigureAwait(false);
            var declared = response.Content.Headers.ContentLength;
            using var buffer = new MemoryStream(declared is { } length ? (int)Math.Min(length, maxBytes) : 64 * 1024);
            await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
            {
                await CopyCappedAsync(body, buffer, url, maxBytes, ct).ConfigureAwait(false);
            }

            return new FetchedContent(url, response.RequestMessage!.RequestUri!, ContentTypeOf(response), buffer.ToArray());
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams <paramref name="url"/> to <paramref name="path"/> (created or overwritten), refusing bodies over
    /// <paramref name="maxBytes"/>; the file is deleted on failure and on cancellation. Uses the fetch timeout.
    /// </summary>
    public Task<FetchedFile> FetchToFileAsync(string url, string path, long maxBytes, CancellationToken cancellationToken) =>
        FetchToFileAsync(url, path, maxBytes, _options.FetchTimeout, cancellationToken);

    /// <summary>As <see cref="FetchToFileAsync(string, string, long, CancellationToken)"/>, with its own time limit (large videos).</summary>
    public async Task<FetchedFile> FetchToFileAsync(
        string url, string path, long maxBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await WithLimitsAsync(url, timeout, cancellationToken, async ct =>
            {
                using var response = await SendAsync(url, maxBytes, ct).ConfigureAwait(false);
                long written;
                await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
                {
                    written = await CopyCappedAsync(body, file, url, maxBytes, ct).ConfigureAwait(false);
                }

                return new FetchedFile(url, response.RequestMessage!.RequestUri!, ContentTypeOf(response), path, written);
            }).ConfigureAwait(false);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// Fetches at most the first <paramref name="headBytes"/> bytes of <paramref name="url"/> and drops the
    /// connection: enough to sniff what a link is before deciding how to fetch it.
    /// </summary>
    public async Task<FetchedHead> FetchHeadAsync(string url, int headBytes, CancellationToken cancellationToken)
    {
        return await WithLimitsAsync(url, _options.FetchTimeout, cancellationToken, async ct =>
        {
            using var response = await SendAsync(url, maxBytes: null, ct).ConfigureAwait(false);
            var head = new byte[headBytes];
            var filled = 0;
            await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
            {
                int read;
                while (filled < head.Length && (read = await body.ReadAsync(head.AsMemory(filled), ct).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }
            }

            return new FetchedHead(url, response.RequestMessage!.RequestUri!, ContentTypeOf(response),
                response.Content.Headers.ContentLength, head[..filled]);
        }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>Applies the time limit and turns transport errors into <see cref="MediaFailure"/>s.</summary>
    private async Task<T> WithLimitsAsync<T>(string url, TimeSpan timeout, CancellationToken cancellationToken, Func<CancellationToken, Task<T>> fetch)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await fetch(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && timer.IsCancellationRequested)
        {
            throw new MediaFailure(MediaFailure.Timeout, url,
                string.Create(CultureInfo.InvariantCulture, $"no complete answer within {timeout.TotalSeconds:0.#} s"), e);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaFailure(MediaFailure.FetchFailed, url, $"the fetch failed: {e.Message}", e);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaFailure(MediaFailure.FetchFailed, url, $"the connection failed while reading: {e.Message}", e);
        }
    }

    /// <summary>Sends a GET, following redirects by hand with every hop checked; returns a successful response.</summary>
    private async Task<HttpResponseMessage> SendAsync(string url, long? maxBytes, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new MediaFailure(MediaFailure.Refused, url, "not an absolute URL");
        }

        for (var hop = 0; ; hop++)
        {
            var verdict = await VetAsync(url, uri, ct).ConfigureAwait(false);
            var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Options.Set(VettedKey, verdict);
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode))
            {
                var location = response.Headers.Location;
                response.Dispose();
                if (location is null)
                {
                    throw new MediaFailure(MediaFailure.FetchFailed, url, $"redirect from {uri} without a Location");
                }

                if (hop >= _options.MaxRedirects)
                {
                    throw new MediaFailure(MediaFailure.FetchFailed, url, $"more than {_options.MaxRedirects} redirects");
                }

                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var phrase = response.ReasonPhrase;
                response.Dispose();
                throw new MediaFailure(MediaFailure.FetchFailed, url,
                    string.IsNullOrEmpty(phrase) ? $"the server answered HTTP {status}" : $"the server answered HTTP {status} ({phrase})");
            }

            if (maxBytes is { } cap && response.Content.Headers.ContentLength is { } declared && declared > cap)
            {
                response.Dispose();
                throw TooLarge(url, cap, $"{declared:N0} bytes declared");
            }

            return response;
        }
    }

    /// <summary>Resolves the host of <paramref name="uri"/> and refuses it unless every address is allowed.</summary>
    private async Task<HostVerdict> VetAsync(string url, Uri uri, CancellationToken ct)
    {
        try
        {
            return await _vetter.VetUrlAsync(url, uri, ct).ConfigureAwait(false);
        }
        catch (MediaFailure refused) when (refused.Code == MediaFailure.Refused)
        {
            _logger.LogWarning("Refused media URL {Url}: {Reason}", url, refused.Reason);
            throw;
        }
    }

    private async ValueTask<Stream> ConnectToVettedAddressAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        // Never fall back to the handler's own DNS lookup: only addresses checked for this request's host.
        if (!context.InitialRequestMessage.Options.TryGetValue(VettedKey, out var target)
            || !string.Equals(target.Host, HostVetter.Normalize(context.DnsEndPoint.Host), StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpRequestException($"no checked address for {context.DnsEndPoint.Host}");
        }

        try
        {
            var socket = await _vetter.ConnectAsync(target, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            throw new HttpRequestException($"could not connect to {target.Host}: {e.Message}", e);
        }
    }

    private static async Task<long> CopyCappedAsync(Stream source, Stream destination, string url, long maxBytes, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw TooLarge(url, maxBytes, "the body went past it");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
        }

        return total;
    }

    private static MediaFailure TooLarge(string url, long cap, string detail) =>
        new(MediaFailure.TooLarge, url, string.Create(CultureInfo.InvariantCulture, $"larger than the limit of {cap:N0} bytes ({detail})"));

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string? ContentTypeOf(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the caller's temporary folder is removed as a whole anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
