using System.Text;
using System.Text.Json;

namespace OaiRouter.Seed;

/// <summary>One synthetic request, shaped like a row the projection writes.</summary>
internal sealed record SeedRow(
    string RequestId,
    string? GenerationId,
    long ReceivedAt,
    long? FinishedAt,
    string Endpoint,
    string? KeyLabel,
    string? ModelRequested,
    string? ModelAnswered,
    bool Stream,
    string Outcome,
    int? Status,
    string? ErrorType,
    string? ErrorMessage,
    long? PromptTokens,
    long? CompletionTokens,
    long? CachedTokens,
    long? ReasoningTokens,
    double? CostUsd,
    string? CostSource,
    double? LatencyMs,
    double? UpstreamTtfbMs,
    double? OverheadMs,
    double? MediaMs,
    long BytesIn,
    long? BytesOut,
    string? FinishReason,
    int Attempts,
    string RequestBody,
    string? ResponseBody,
    string? MediaJson,
    string RequestText,
    string? ResponseText);

/// <summary>
/// Deterministic, plausible traffic: a handful of models with their own prices and speeds, two
/// endpoints, a few client keys, streams, the usual mix of failures, and bodies made of words
/// with a Zipf-like spread (a few very common, most rare), so searches hit dense and sparse lists.
/// </summary>
internal sealed class SyntheticRequests
{
    private sealed record ModelProfile(string Name, string Answered, double Weight, double InputPerMTok, double OutputPerMTok, double MedianLatencyMs, bool Reasons);

    private static readonly ModelProfile[] Models =
    [
        new("openai/gpt-4o-mini", "openai/gpt-4o-mini-2024-07-18", 35, 0.15, 0.60, 900, false),
        new("anthropic/claude-3.5-sonnet", "anthropic/claude-3.5-sonnet-20241022", 20, 3.00, 15.00, 2400, false),
        new("google/gemini-2.0-flash-001", "google/gemini-2.0-flash-001", 20, 0.10, 0.40, 700, false),
        new("meta-llama/llama-3.3-70b-instruct", "meta-llama/llama-3.3-70b-instruct", 14, 0.12, 0.30, 1300, false),
        new("deepseek/deepseek-r1", "deepseek/deepseek-r1", 8, 0.55, 2.19, 6000, true),
        new("openai/gpt-4o", "openai/gpt-4o-2024-11-20", 3, 2.50, 10.00, 1800, false),
    ];

    private static readonly (string? Label, double Weight)[] Keys = [("key-1", 50), ("key-2", 30), ("key-3", 15), (null, 5)];

    private static readonly (string Outcome, int? Status, string? ErrorType, string? Message, double Weight)[] Outcomes =
    [
        ("completed", 200, null, null, 9200),
        ("failed", 400, "invalid_request_error", "'messages' must be a non-empty array.", 150),
        ("failed", 401, "authentication_error", "Incorrect API key provided.", 50),
        ("failed", 402, "insufficient_quota", "Insufficient credits on the OpenRouter account.", 30),
        ("failed", 429, "rate_limit_exceeded", "Rate limit reached upstream; retry after a few seconds.", 200),
        ("failed", 502, "upstream_error", "The upstream provider returned an invalid response.", 150),
        ("failed", 503, "upstream_unavailable", "No provider is currently available for this model.", 70),
        ("failed", 504, "upstream_timeout", "The upstream provider did not answer in time.", 50),
        ("cancelled", 499, "client_closed_request", "The client closed the connection before the answer was complete.", 95),
        ("received", null, null, null, 5),
    ];

    private static readonly string[] Topics =
    [
        "invoice", "kubernetes", "recipe", "poem", "refactor", "translation", "summary", "contract", "database",
        "migration", "newsletter", "itinerary", "budget", "regex", "haiku", "tutorial", "diagnosis", "playlist",
        "resume", "interview", "changelog", "benchmark", "sonnet", "quarterly", "onboarding", "firmware",
    ];

    private static readonly string[] Common =
    [
        "the", "a", "to", "and", "of", "please", "write", "explain", "how", "what", "is", "for", "with", "my", "in",
        "can", "you", "this", "about", "short", "list", "steps", "example", "code", "help", "make", "it", "better",
        "simple", "words", "using", "python", "function", "email", "team", "customer", "report", "data", "error",
        "question", "answer", "quickly", "draft", "review", "project", "plan", "weekly", "friendly", "clear", "table",
    ];

    private readonly Random _random;
    private readonly long _start;
    private readonly double _stepMs;
    private readonly string[] _rare;

    public SyntheticRequests(int seed, DateTimeOffset end, TimeSpan span, long count)
    {
        _random = new Random(seed);
        _start = end.ToUnixTimeMilliseconds() - (long)span.TotalMilliseconds;
        _stepMs = span.TotalMilliseconds / Math.Max(count, 1);
        // Rare words: thousands of made-up but pronounceable tokens, each in few bodies.
        var syllables = new[] { "ka", "lo", "mi", "tr", "ven", "sa", "qu", "zor", "pel", "dri", "nu", "ax", "bel", "cor", "fin" };
        var rare = new HashSet<string>(StringComparer.Ordinal);
        var words = new Random(seed ^ 0x5eed);
        while (rare.Count < 20000)
        {
            var sb = new StringBuilder();
            var n = words.Next(2, 5);
            for (var i = 0; i < n; i++)
            {
                sb.Append(syllables[words.Next(syllables.Length)]);
            }
            rare.Add(sb.ToString());
        }
        _rare = [.. rare];
    }

    public SeedRow Next(long index)
    {
        var r = _random;
        // Mostly in arrival order, with a little jitter so time order and row order differ.
        var receivedAt = _start + (long)(index * _stepMs) + r.Next(-1500, 1500);
        var model = Pick(Models, m => m.Weight);
        var keyLabel = Pick(Keys, k => k.Weight).Label;
        var endpoint = r.NextDouble() < 0.88 ? "/v1/chat/completions" : "/v1/completions";
        var stream = r.NextDouble() < 0.4;
        var outcome = Pick(Outcomes, o => o.Weight);
        var requestId = "req_" + Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(receivedAt)).ToString("N");

        var topic = Topics[r.Next(Topics.Length)];
        var prompt = Sentence(r.Next(8, 30), topic);
        var system = r.NextDouble() < 0.6 ? "You are a concise assistant for the " + Topics[r.Next(Topics.Length)] + " team." : null;
        var requestBody = endpoint == "/v1/chat/completions"
            ? ChatRequest(model.Name, system, prompt, stream)
            : JsonSerializer.Serialize(new { model = model.Name, prompt, max_tokens = 256, stream });
        var requestText = system is null ? prompt : system + "\n" + prompt;
        var noModel = outcome.Status == 400 && r.NextDouble() < 0.3;

        if (outcome.Outcome == "received")
        {
            return new SeedRow(requestId, null, receivedAt, null, endpoint, keyLabel, model.Name, null, stream, "received",
                null, null, null, null, null, null, null, null, null, null, null, null, null, requestBody.Length, null, null, 0,
                requestBody, null, null, requestText, null);
        }

        var latency = Math.Round(model.MedianLatencyMs * Math.Exp(Normal(r) * 0.6), 1);
        var overhead = Math.Round(1 + r.NextDouble() * 9, 2);
        var media = r.NextDouble() < 0.03 ? Math.Round(50 + r.NextDouble() * 900, 1) : 0;
        var mediaJson = media > 0
            ? JsonSerializer.Serialize(new[] { new { kind = "image", media_type = "image/png", size = r.Next(20_000, 4_000_000), sha256 = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) } })
            : null;

        if (outcome.Outcome != "completed")
        {
            var failedLatency = outcome.Status is 400 or 401 ? overhead : latency;
            var errorBody = JsonSerializer.Serialize(new { error = new { message = outcome.Message, type = outcome.ErrorType, code = outcome.Status } });
            return new SeedRow(requestId, null, receivedAt, receivedAt + (long)failedLatency, endpoint, keyLabel,
                noModel ? null : model.Name, null, stream, outcome.Outcome, outcome.Status, outcome.ErrorType, outcome.Message,
                null, null, null, null, null, null, failedLatency, outcome.Status is 400 or 401 ? null : Math.Round(latency * 0.9, 1),
                overhead, media, requestBody.Length, errorBody.Length, null, outcome.Status is >= 500 ? 3 : 1,
                requestBody, errorBody, mediaJson, requestText, null);
        }

        var promptTokens = (long)Math.Max(5, Math.Round(prompt.Length / 4.0 + (system?.Length ?? 0) / 4.0 + Math.Exp(Normal(r) * 1.2 + 4)));
        var answer = Sentence(r.Next(10, 60), topic);
        var completionTokens = (long)Math.Max(1, Math.Round(answer.Length / 4.0 + Math.Exp(Normal(r) + 4)));
        long? reasoning = model.Reasons ? (long)Math.Round(completionTokens * (1 + r.NextDouble() * 4)) : null;
        long? cached = r.NextDouble() < 0.2 ? promptTokens / 2 : null;
        var cost = Math.Round((promptTokens * model.InputPerMTok + (completionTokens + (reasoning ?? 0)) * model.OutputPerMTok) / 1_000_000, 8);
        var costSource = r.NextDouble() < 0.02 ? "generation" : "response";
        var finish = r.NextDouble() < 0.93 ? "stop" : (r.NextDouble() < 0.7 ? "length" : "tool_calls");
        var generationId = "gen-" + receivedAt.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + r.Next(100000, 999999);
        var responseBody = endpoint == "/v1/chat/completions"
            ? JsonSerializer.Serialize(new
            {
                id = generationId,
                @object = "chat.completion",
                created = receivedAt / 1000,
                model = model.Answered,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = finish } },
                usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens, cost },
            })
            : JsonSerializer.Serialize(new
            {
                id = generationId,
                @object = "text_completion",
                created = receivedAt / 1000,
                model = model.Answered,
                choices = new[] { new { index = 0, text = answer, finish_reason = finish } },
                usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens, cost },
            });
        return new SeedRow(requestId, generationId, receivedAt, receivedAt + (long)latency, endpoint, keyLabel, model.Name, model.Answered,
            stream, "completed", 200, null, null, promptTokens, completionTokens, cached, reasoning, cost, costSource,
            latency, Math.Round(latency * (stream ? 0.25 : 0.85), 1), overhead, media, requestBody.Length, responseBody.Length,
            finish, r.NextDouble() < 0.03 ? 2 : 1, requestBody, responseBody, mediaJson, requestText, answer);
    }

    private static string ChatRequest(string model, string? system, string prompt, bool stream)
    {
        object[] messages = system is null
            ? [new { role = "user", content = prompt }]
            : [new { role = "system", content = system }, new { role = "user", content = prompt }];
        return JsonSerializer.Serialize(new { model, messages, temperature = 0.7, stream });
    }

    private string Sentence(int words, string topic)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                sb.Append(' ');
            }
            var roll = _random.NextDouble();
            sb.Append(roll switch
            {
                < 0.70 => Common[(int)(Common.Length * Math.Pow(_random.NextDouble(), 2))],
                < 0.82 => topic,
                // Zipf-ish: low indexes far more often than high ones.
                _ => _rare[(int)(_rare.Length * Math.Pow(_random.NextDouble(), 3))],
            });
        }
        sb[0] = char.ToUpperInvariant(sb[0]);
        return sb.Append('.').ToString();
    }

    private T Pick<T>(IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = items.Sum(weight);
        var roll = _random.NextDouble() * total;
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0)
            {
                return item;
            }
        }
        return items[^1];
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
