using System.Text.Json;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Errors;
using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Actors.Models;

/// <summary>Upstream's model list, fetched once per cache period and shared by every caller.</summary>
public sealed class ModelCatalog(HttpClient http, IOptionsMonitor<OpenRouterOptions> options, TimeProvider time)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _current;

    /// <summary>The list as upstream sent it, plus each model's input modalities.</summary>
    public sealed record Snapshot(byte[] Body, IReadOnlyDictionary<string, IReadOnlyList<string>> InputModalities, DateTimeOffset FetchedAt);

    public async Task<(Snapshot? Models, RouterError? Error)> GetAsync(CancellationToken ct)
    {
        var opts = options.CurrentValue;
        var ttl = TimeSpan.FromSeconds(opts.ModelsCacheSeconds);
        if (_current is { } fresh && time.GetUtcNow() - fresh.FetchedAt < ttl)
        {
            return (fresh, null);
        }

        await _refresh.WaitAsync(ct);
        try
        {
            if (_current is { } again && time.GetUtcNow() - again.FetchedAt < ttl)
            {
                return (again, null);
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(opts.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(opts.BaseUri, "models"));
            OpenRouterClient.AddUpstreamHeaders(request, opts);
            using var response = await http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return (null, RouterErrors.FromUpstream((int)response.StatusCode, body, response.Headers.RetryAfter?.Delta));
            }
            _current = new Snapshot(body, ReadModalities(body), time.GetUtcNow());
            return (_current, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, RouterErrors.Create(FailureKind.UpstreamTimeout, "OpenRouter did not list its models in time."));
        }
        catch (HttpRequestException ex)
        {
            return (null, RouterErrors.Create(FailureKind.UpstreamUnreachable, $"Could not reach OpenRouter: {ex.Message}"));
        }
        finally
        {
            _refresh.Release();
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadModalities(byte[] body)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return result;
            }
            foreach (var model in data.EnumerateArray())
            {
                if (!model.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
                {
                    continue;
                }
                var modalities = new List<string>();
                if (model.TryGetProperty("architecture", out var arch) && arch.ValueKind == JsonValueKind.Object
                    && arch.TryGetProperty("input_modalities", out var inputs) && inputs.ValueKind == JsonValueKind.Array)
                {
                    modalities.AddRange(inputs.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!));
                }
                result[id.GetString()!] = modalities;
            }
        }
        catch (JsonException)
        {
            // The list is still relayed as it came; only the modality lookup is empty.
        }
        return result;
    }
}
