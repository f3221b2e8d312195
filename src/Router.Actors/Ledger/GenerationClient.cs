using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OaiRouter.Actors.Ledger;

/// <summary>
/// Reads one generation's stats from OpenRouter's <c>GET {base}/generation?id=</c>. Every outcome
/// is a <see cref="GenerationLookup"/>; it never throws for HTTP or network trouble.
/// </summary>
internal sealed class GenerationClient(HttpClient http, Uri baseUri, string apiKey, TimeSpan timeout)
{
    private const int MaxBodyBytes = 256 * 1024;

    private readonly Uri _baseUri = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");

    public static GenerationClient From(LedgerSettings settings, HttpClient http) =>
        new(http, new Uri(settings.OpenRouterBaseUrl), settings.OpenRouterApiKey ?? "", settings.ReconcileTimeout);

    public async Task<GenerationLookup> LookupAsync(string generationId, CancellationToken ct)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get,
                new Uri(_baseUri, "generation?id=" + Uri.EscapeDataString(generationId)));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token);
            var status = (int)response.StatusCode;
            var body = await ReadCappedAsync(response.Content, timeoutSource.Token);

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new GenerationNotReady(status);
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500)
            {
                return new GenerationUnavailable(status, Reason(response));
            }
            if (!response.IsSuccessStatusCode)
            {
                return new GenerationRefused(status, Reason(response));
            }
            return (GenerationLookup?)Parse(body) ?? new GenerationNotReady(status);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new GenerationUnavailable(null, "timed out");
        }
        catch (HttpRequestException ex)
        {
            return new GenerationUnavailable(null, ex.Message);
        }
    }

    /// <summary>The cost and native token counts of a <c>{"data":{…}}</c> answer; null when it has no cost yet.</summary>
    public static GenerationFound? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Object
                || !TryNumber(data, "total_cost", out var cost))
            {
                return null;
            }
            return new GenerationFound(
                cost,
                Tokens(data, "native_tokens_prompt", "tokens_prompt"),
                Tokens(data, "native_tokens_completion", "tokens_completion"),
                Tokens(data, "native_tokens_reasoning", null),
                Tokens(data, "native_tokens_cached", null));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long? Tokens(JsonElement data, string native, string? normalized)
    {
        if (TryNumber(data, native, out var value) || (normalized is not null && TryNumber(data, normalized, out value)))
        {
            return (long)value;
        }
        return null;
    }

    private static bool TryNumber(JsonElement data, string name, out double value)
    {
        value = 0;
        return data.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.Number
            && element.TryGetDouble(out value);
    }

    private static string Reason(HttpResponseMessage response) =>
        response.ReasonPhrase ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                break;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
