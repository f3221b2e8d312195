using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Rewriting;

/// <summary>
/// Writes the request a vision model receives: image links become base64 <c>data:</c> URLs, videos become a
/// text part (source, duration, timestamped transcript) followed by their frames, each labelled with its time.
/// <c>model</c> is set to the target; every other field is left as the client sent it.
/// </summary>
public static class RequestRewriter
{
    // Relaxed escaping keeps base64 ('+', '/') and non-ASCII text as they are instead of \uXXXX: smaller
    // bodies, and still valid JSON (the body is never embedded in HTML).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Fields of a legacy completion that chat does not have: <c>prompt</c> becomes <c>messages</c>; <c>echo</c>,
    /// <c>suffix</c> and <c>best_of</c> have no chat equivalent; an integer <c>logprobs</c> (legacy top-N) would be
    /// rejected by chat, where <c>logprobs</c> is a boolean (a boolean one is kept).
    /// </summary>
    private static readonly HashSet<string> LegacyOnlyFields = new(StringComparer.Ordinal) { "prompt", "echo", "suffix", "best_of" };

    /// <summary>Rewrites a chat body, or a legacy completion body (one with <c>prompt</c> and no <c>messages</c>) into a chat body.</summary>
    public static byte[] Rewrite(ReadOnlySpan<byte> body, IReadOnlyList<MediaReference> references, ResolvedMedia resolved, string targetModel)
    {
        var root = ParseObject(body);
        return root.ContainsKey("messages")
            ? Write(RewriteChat(root, references, resolved, targetModel))
            : Write(CompletionToChat(root, references, resolved, targetModel));
    }

    /// <summary>Rewrites a chat completion body.</summary>
    public static byte[] RewriteChat(ReadOnlySpan<byte> body, IReadOnlyList<MediaReference> references, ResolvedMedia resolved, string targetModel) =>
        Write(RewriteChat(ParseObject(body), references, resolved, targetModel));

    /// <summary>
    /// Turns a legacy <c>/completions</c> body whose prompt carries media into a chat body: one user message
    /// whose parts are each prompt string followed by its media. Other fields (<c>max_tokens</c>,
    /// <c>temperature</c>, <c>stream</c>, <c>stop</c>, …) are kept; see <see cref="LegacyOnlyFields"/> for what is dropped.
    /// The caller maps the chat answer back to the <c>text_completion</c> shape.
    /// </summary>
    public static byte[] RewriteCompletionAsChat(ReadOnlySpan<byte> body, IReadOnlyList<MediaReference> references, ResolvedMedia resolved, string targetModel) =>
        Write(CompletionToChat(ParseObject(body), references, resolved, targetModel));

    /// <summary>The text part that stands for a video ahead of its frames.</summary>
    public static string DescribeVideo(string url, VideoDigest digest)
    {
        var text = new StringBuilder();
        text.Append("Video: ").Append(url).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"Duration: {digest.Duration.TotalSeconds:0.0} s\n");
        if (digest.Transcript.Count > 0)
        {
            text.Append("Transcript:");
            foreach (var segment in digest.Transcript)
            {
                text.Append('\n').Append('[').Append(Timestamp(segment.Start)).Append('–').Append(Timestamp(segment.End))
                    .Append("] ").Append(segment.Text.Trim());
            }
        }
        else
        {
            text.Append("No transcript was made: ").Append(digest.TranscriptNote ?? "no speech was recognised.");
        }

        if (digest.Frames.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nFrames: {digest.Frames.Count}, below in order, each after its time.");
        }

        return text.ToString();
    }

    /// <summary>A time in a video as <c>mm:ss.f</c> (or <c>h:mm:ss.f</c> from one hour on).</summary>
    public static string Timestamp(TimeSpan at)
    {
        var tenths = (long)Math.Round(at.TotalMilliseconds / 100, MidpointRounding.AwayFromZero);
        var t = TimeSpan.FromMilliseconds(tenths * 100);
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}.{t.Milliseconds / 100}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:00}:{t.Seconds:00}.{t.Milliseconds / 100}");
    }

    private static JsonObject RewriteChat(JsonObject root, IReadOnlyList<MediaReference> references, ResolvedMedia resolved, string targetModel)
    {
        root["model"] = targetModel;
        if (root["messages"] is not JsonArray messages)
        {
            return root;
        }

        foreach (var group in references.Where(r => r.MessageIndex >= 0).GroupBy(r => r.MessageIndex))
        {
            if (group.Key >= messages.Count || messages[group.Key] is not JsonObject message)
            {
                continue;
            }

            var content = message["content"];
            if (content is JsonValue value && value.TryGetValue<string>(out var text))
            {
                var added = Expand(group.Where(r => r.PartIndex == -1 && r.Origin == MediaOrigin.TextUrl), resolved);
                if (added.Count > 0)
                {
                    message["content"] = new JsonArray([TextPart(text), .. added]);
                }
            }
            else if (content is JsonArray parts)
            {
                message["content"] = RewriteParts(parts, group.ToList(), resolved);
            }
        }

        return root;
    }

    private static JsonArray RewriteParts(JsonArray parts, List<MediaReference> references, ResolvedMedia resolved)
    {
        var rewritten = new JsonArray();
        for (var j = 0; j < parts.Count; j++)
        {
            var here = references.Where(r => r.PartIndex == j).ToList();
            var partReference = here.FirstOrDefault(r => r.Origin is MediaOrigin.ImageUrlPart or MediaOrigin.VideoUrlPart);
            if (partReference is not null && ReplacePart(parts[j], partReference, resolved) is { } replacement)
            {
                foreach (var node in replacement)
                {
                    rewritten.Add(node);
                }

                continue;
            }

            rewritten.Add(parts[j]?.DeepClone());
            foreach (var node in Expand(here.Where(r => r.Origin == MediaOrigin.TextUrl), resolved))
            {
                rewritten.Add(node);
            }
        }

        return rewritten;
    }

    /// <summary>What an <c>image_url</c>/<c>video_url</c> part becomes, or null when its link was not resolved.</summary>
    private static List<JsonNode>? ReplacePart(JsonNode? part, MediaReference reference, ResolvedMedia resolved)
    {
        if (resolved.Images.TryGetValue(reference.Url, out var image))
        {
            if (reference.Origin == MediaOrigin.ImageUrlPart && part?.DeepClone() is JsonObject copy)
            {
                // Keep "detail" and anything else the client put on the part; only the URL changes.
                if (copy["image_url"] is JsonObject imageUrl)
                {
                    imageUrl["url"] = image.ToDataUrl();
                }
                else
                {
                    copy["image_url"] = new JsonObject { ["url"] = image.ToDataUrl() };
                }

                return [copy];
            }

            return [ImagePart(image.ToDataUrl())];
        }

        return resolved.Videos.TryGetValue(reference.Url, out var digest) ? VideoParts(reference.Url, digest) : null;
    }

    /// <summary>The parts added after a text that links media, in order, each link once.</summary>
    private static List<JsonNode> Expand(IEnumerable<MediaReference> textReferences, ResolvedMedia resolved)
    {
        var added = new List<JsonNode>();
        foreach (var url in textReferences.Select(r => r.Url).Distinct(StringComparer.Ordinal))
        {
            if (resolved.Images.TryGetValue(url, out var image))
            {
                added.Add(ImagePart(image.ToDataUrl()));
            }
            else if (resolved.Videos.TryGetValue(url, out var digest))
            {
                added.AddRange(VideoParts(url, digest));
            }
        }

        return added;
    }

    private static List<JsonNode> VideoParts(string url, VideoDigest digest)
    {
        var parts = new List<JsonNode> { TextPart(DescribeVideo(url, digest)) };
        foreach (var frame in digest.Frames)
        {
            parts.Add(TextPart($"Frame at {Timestamp(frame.At)}"));
            parts.Add(ImagePart($"data:image/jpeg;base64,{Convert.ToBase64String(frame.Jpeg)}"));
        }

        return parts;
    }

    private static JsonObject CompletionToChat(JsonObject root, IReadOnlyList<MediaReference> references, ResolvedMedia resolved, string targetModel)
    {
        var content = new JsonArray();
        var legacy = references.Where(r => r.MessageIndex == -1).ToList();
        switch (root["prompt"])
        {
            case JsonValue value when value.TryGetValue<string>(out var prompt):
                AddPrompt(content, prompt, legacy.Where(r => r.PartIndex == -1), resolved);
                break;
            case JsonArray prompts:
                // A legacy batch of prompts becomes one message: chat has no batch. Token arrays cannot be
                // turned into text here and are left out.
                for (var k = 0; k < prompts.Count; k++)
                {
                    if (prompts[k] is JsonValue item && item.TryGetValue<string>(out var text))
                    {
                        var index = k;
                        AddPrompt(content, text, legacy.Where(r => r.PartIndex == index), resolved);
                    }
                }

                break;
        }

        var chat = new JsonObject
        {
            ["model"] = targetModel,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
        };
        foreach (var (name, node) in root)
        {
            if (name is "model" or "messages" || LegacyOnlyFields.Contains(name)
                || (name == "logprobs" && node is JsonValue logprobs && logprobs.GetValueKind() == JsonValueKind.Number))
            {
                continue;
            }

            chat[name] = node?.DeepClone();
        }

        return chat;
    }

    private static void AddPrompt(JsonArray content, string prompt, IEnumerable<MediaReference> references, ResolvedMedia resolved)
    {
        content.Add(TextPart(prompt));
        foreach (var node in Expand(references.Where(r => r.Origin == MediaOrigin.TextUrl), resolved))
        {
            content.Add(node);
        }
    }

    private static JsonObject TextPart(string text) => new() { ["type"] = "text", ["text"] = text };

    private static JsonObject ImagePart(string url) => new()
    {
        ["type"] = "image_url",
        ["image_url"] = new JsonObject { ["url"] = url },
    };

    private static JsonObject ParseObject(ReadOnlySpan<byte> body) =>
        JsonNode.Parse(body, documentOptions: RequestJson.Options) as JsonObject ?? throw new ArgumentException("The request body is not a JSON object.", nameof(body));

    private static byte[] Write(JsonObject root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            root.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
