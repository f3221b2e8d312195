using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;

namespace OaiRouter.Actors.Forwarding;

/// <summary>
/// Sends one completion to OpenRouter: the client's body as it is, the router's key, retries
/// per <see cref="RetryPolicy"/> while nothing has reached the client, and a timeout on stalls.
/// </summary>
public sealed class OpenRouterClient(
    HttpClient http,
    IOptionsMonitor<OpenRouterOptions> options,
    TimeProvider time,
    ILogger<OpenRouterClient> log)
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxAnswerBytes = 64 * 1024 * 1024;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<UpstreamResult> SendAsync(CompletionRequest request, CancellationToken ct)
    {
        var opts = options.CurrentValue;
        var policy = opts.RetryPolicy;
        var started = time.GetTimestamp();
        var uri = new Uri(opts.BaseUri, request.Endpoint.UpstreamPath());

        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(opts.Timeout);
            RouterError error;
            int? status = null;
            TimeSpan? retryAfter = null;
            HttpResponseMessage? response = null;
            try
            {
                using var message = BuildRequest(uri, request.Body, opts);
                response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var toHeaders = time.GetElapsedTime(started);
                var generationId = HeaderValue(response, "X-Generation-Id");

                if (response.IsSuccessStatusCode)
                {
                    if (request.Stream && IsEventStream(response))
                    {
                        var opened = new UpstreamStreamOpened(response, generationId, attempt, toHeaders);
                        response = null; // handed over: the relay disposes it
                        return opened;
                    }
                    var body = await ReadBodyAsync(response, MaxAnswerBytes, opts.Timeout, timeout);
                    if (JsonPeek.HasTopLevelProperty(body, "error"u8))
                    {
                        // OpenRouter can say 200 and still carry an error with no choices.
                        return new UpstreamFailed(RouterErrors.FromUpstream(200, body, null), attempt, toHeaders);
                    }
                    return new UpstreamAnswered(body, response.Content.Headers.ContentType?.ToString(), generationId, attempt, toHeaders,
                        time.GetElapsedTime(started));
                }

                status = (int)response.StatusCode;
                retryAfter = RetryAfter(response);
                var errorBody = await ReadBodyAsync(response, MaxErrorBodyBytes, opts.Timeout, timeout, truncate: true);
                error = RouterErrors.FromUpstream(status.Value, errorBody, retryAfter);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                log.LogWarning("OpenRouter did not answer within {TimeoutSeconds} s for {RequestId}", opts.TimeoutSeconds, request.Id.Value);
                return new UpstreamFailed(
                    RouterErrors.Create(FailureKind.UpstreamTimeout, $"OpenRouter did not answer within {opts.TimeoutSeconds:0.###} s."),
                    attempt, time.GetElapsedTime(started));
            }
            catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
            {
                error = RouterErrors.Create(FailureKind.UpstreamUnreachable, $"Could not reach OpenRouter: {ex.Message}");
                if (ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                    or HttpRequestError.SecureConnectionError))
                {
                    // The request may have reached upstream: only failed connections are safe to repeat.
                    return new UpstreamFailed(error, attempt, time.GetElapsedTime(started));
                }
            }
            finally
            {
                response?.Dispose();
            }

            var delay = policy.Decide(attempt, status, retryAfter);
            if (delay is null)
            {
                return new UpstreamFailed(error, attempt, time.GetElapsedTime(started));
            }
            log.LogInformation("Retrying {RequestId} after {Status} in {DelayMs} ms (attempt {Attempt})",
                request.Id.Value, status?.ToString() ?? "connect failure", delay.Value.TotalMilliseconds, attempt + 1);
            await Task.Delay(delay.Value, time, ct);
        }
    }

    private static HttpRequestMessage BuildRequest(Uri uri, ReadOnlyMemory<byte> body, OpenRouterOptions opts)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = Json;
        var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = content,
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        AddUpstreamHeaders(message, opts);
        return message;
    }

    /// <summary>The router's own credentials and attribution; nothing the client sent.</summary>
    public static void AddUpstreamHeaders(HttpRequestMessage message, OpenRouterOptions opts)
    {
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", opts.ApiKey);
        if (!string.IsNullOrWhiteSpace(opts.Referer))
        {
            message.Headers.TryAddWithoutValidation("HTTP-Referer", opts.Referer);
        }
        if (!string.IsNullOrWhiteSpace(opts.XTitle))
        {
            message.Headers.TryAddWithoutValidation("X-Title", opts.XTitle);
        }
    }

    private static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>Reads a body with the stall timeout re-armed on every read.</summary>
    private static async Task<byte[]> ReadBodyAsync(
        HttpResponseMessage response, int cap, TimeSpan idle, CancellationTokenSource timeout, bool truncate = false)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        var length = response.Content.Headers.ContentLength;
        using var buffer = new MemoryStream(length is > 0 and < 1 << 20 ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        while (true)
        {
            timeout.CancelAfter(idle);
            var read = await stream.ReadAsync(chunk, timeout.Token);
            if (read == 0)
            {
                break;
            }
            if (buffer.Length + read > cap)
            {
                if (truncate)
                {
                    buffer.Write(chunk, 0, cap - (int)buffer.Length);
                    break;
                }
                throw new HttpRequestException(HttpRequestError.InvalidResponse, $"OpenRouter's answer is over {cap} bytes.");
            }
            buffer.Write(chunk, 0, read);
        }
        Debug.Assert(buffer.Length <= cap);
        return buffer.ToArray();
    }
}
