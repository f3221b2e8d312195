using System.Diagnostics;
using System.Net;
using System.Text;

namespace OaiRouter.Bench;

/// <summary>What one streaming target gave: time to the first data event and the mean gap between events.</summary>
internal sealed record StreamResult(int Streams, double TtfbP50Ms, double TtfbP99Ms, double GapMeanMs, double TotalP50Ms, int Failures, double AvgEvents);

/// <summary>The benchmark's own HTTP clients: streaming timings, and a load that remembers which requests succeeded.</summary>
internal static class Clients
{
    public static HttpClient NewClient(int connections) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static HttpRequestMessage Post(string url, string body, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Version = HttpVersion.Version11,
        };
        foreach (var (k, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        return request;
    }

    /// <summary>
    /// Streams one completion after another (concurrency 1) for <paramref name="duration"/>. For each stream:
    /// time from sending to the first <c>data:</c> event, and the mean gap between successive <c>data:</c> events
    /// (the 20 content chunks, the finish and usage chunks, and [DONE]) as the client receives them.
    /// </summary>
    public static async Task<StreamResult> StreamAsync(HttpClient http, string url, string body,
        IReadOnlyDictionary<string, string> headers, TimeSpan duration)
    {
        var ttfb = new List<double>();
        var gaps = new List<double>();
        var totals = new List<double>();
        var failures = 0;
        long events = 0;
        var buffer = new byte[16 * 1024];
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var request = Post(url, body, headers);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures++;
                    continue;
                }

                await using var stream = await response.Content.ReadAsStreamAsync();
                long first = 0, last = 0;
                var count = 0;
                var line = new List<byte>(256);
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0)
                {
                    var now = Stopwatch.GetTimestamp();
                    for (var i = 0; i < read; i++)
                    {
                        if (buffer[i] != (byte)'\n')
                        {
                            if (line.Count < 6)
                            {
                                line.Add(buffer[i]);
                            }

                            continue;
                        }

                        if (line.Count >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':')
                        {
                            if (count == 0)
                            {
                                first = now;
                            }

                            last = now;
                            count++;
                        }

                        line.Clear();
                    }
                }

                if (count == 0)
                {
                    failures++;
                    continue;
                }

                ttfb.Add(Ms(first - started));
                totals.Add(Ms(last - started));
                if (count > 1)
                {
                    gaps.Add(Ms(last - first) / (count - 1));
                }

                events += count;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                failures++;
                await Task.Delay(20);
            }
        }

        return new StreamResult(ttfb.Count, Stats.Percentile(ttfb, 50), Stats.Percentile(ttfb, 99), Stats.Mean(gaps),
            Stats.Percentile(totals, 50), failures, ttfb.Count == 0 ? 0 : (double)events / ttfb.Count);
    }

    /// <summary>
    /// Closed-loop non-streaming load at <paramref name="concurrency"/> until <paramref name="stop"/> fires; keeps the
    /// X-Request-Id of every 200 whose body arrived whole. Errors (the target being killed) are counted and retried.
    /// </summary>
    public static async Task<(HashSet<string> OkIds, long Ok, long Errors)> CountingLoadAsync(string url, string body,
        IReadOnlyDictionary<string, string> headers, int concurrency, CancellationToken stop)
    {
        using var http = NewClient(concurrency);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        long ok = 0, errors = 0;
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = Post(url, body, headers);
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                    _ = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.OK
                        && response.Headers.TryGetValues("X-Request-Id", out var values))
                    {
                        lock (ids)
                        {
                            ids.Add(values.First());
                            ok++;
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    await Task.Delay(25);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (ids, ok, errors);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

internal static class Stats
{
    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Mean(List<double> values) => values.Count == 0 ? double.NaN : values.Average();

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
