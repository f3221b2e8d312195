using System.Text.Json;
using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Detection;

/// <summary>
/// Finds the media links in a request body: <c>image_url</c> and <c>video_url</c> content parts, and bare
/// http(s) URLs in the text of user messages; for a legacy <c>/completions</c> request, URLs in <c>prompt</c>.
/// Pure: it reads the JSON and fetches nothing.
/// </summary>
/// <remarks>
/// Bare URLs are only looked for in <c>user</c> messages: system, assistant and tool messages cannot carry
/// image parts in OpenAI's schema, and a link the assistant wrote in an earlier turn was not meant as input.
/// </remarks>
public static class MediaDetector
{
    /// <summary>Detects media in a chat body (<c>messages</c>) or, when it has none, a legacy body (<c>prompt</c>).</summary>
    public static IReadOnlyList<MediaReference> Detect(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return body.TryGetProperty("messages", out _) ? DetectChat(body) : DetectCompletion(body);
    }

    /// <summary>Detects media in a chat completion body.</summary>
    public static IReadOnlyList<MediaReference> DetectChat(JsonElement body)
    {
        var found = new List<MediaReference>();
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("messages", out var messages)
            || messages.ValueKind != JsonValueKind.Array)
        {
            return found;
        }

        var messageIndex = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content))
            {
                var isUser = message.TryGetProperty("role", out var role)
                    && role.ValueKind == JsonValueKind.String
                    && role.ValueEquals("user");
                DetectInContent(content, messageIndex, isUser, found);
            }

            messageIndex++;
        }

        return found;
    }

    /// <summary>Detects URLs in the <c>prompt</c> of a legacy completion body (a string or an array of strings).</summary>
    public static IReadOnlyList<MediaReference> DetectCompletion(JsonElement body)
    {
        var found = new List<MediaReference>();
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("prompt", out var prompt))
        {
            return found;
        }

        if (prompt.ValueKind == JsonValueKind.String)
        {
            AddTextUrls(prompt.GetString()!, -1, -1, found);
        }
        else if (prompt.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in prompt.EnumerateArray())
            {
                // Token arrays (numbers) carry no URLs.
                if (item.ValueKind == JsonValueKind.String)
                {
                    AddTextUrls(item.GetString()!, -1, index, found);
                }

                index++;
            }
        }

        return found;
    }

    /// <summary>The distinct URLs among <paramref name="references"/>, in order: what counts against <c>MEDIA_MAX_ITEMS_PER_REQUEST</c>.</summary>
    public static IReadOnlyList<string> DistinctUrls(IEnumerable<MediaReference> references) =>
        references.Select(r => r.Url).Distinct(StringComparer.Ordinal).ToList();

    private static void DetectInContent(JsonElement content, int messageIndex, bool isUser, List<MediaReference> found)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            if (isUser)
            {
                AddTextUrls(content.GetString()!, messageIndex, -1, found);
            }

            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var partIndex = 0;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
            {
                switch (type.GetString())
                {
                    case "image_url" when PartUrl(part, "image_url") is { } url:
                        // The part says "image"; an extension or site may still say it is a video.
                        var imageKind = MediaClassifier.Classify(url);
                        found.Add(new MediaReference(url, imageKind == MediaKind.Unknown ? MediaKind.Image : imageKind,
                            MediaOrigin.ImageUrlPart, messageIndex, partIndex));
                        break;
                    case "video_url" when PartUrl(part, "video_url") is { } url:
                        // Unknown here means "a video, but a file or a page is only known after probing".
                        var videoKind = MediaClassifier.Classify(url);
                        found.Add(new MediaReference(url, videoKind == MediaKind.Image ? MediaKind.Unknown : videoKind,
                            MediaOrigin.VideoUrlPart, messageIndex, partIndex));
                        break;
                    case "text" when isUser && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String:
                        AddTextUrls(text.GetString()!, messageIndex, partIndex, found);
                        break;
                }
            }

            partIndex++;
        }
    }

    /// <summary>The URL of an <c>image_url</c>/<c>video_url</c> part: <c>{"url": …}</c>, or a bare string as some clients send.</summary>
    internal static string? PartUrl(JsonElement part, string property)
    {
        if (!part.TryGetProperty(property, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return NonEmpty(value.GetString());
        }

        return value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("url", out var url)
            && url.ValueKind == JsonValueKind.String
                ? NonEmpty(url.GetString())
                : null;

        static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
    }

    private static void AddTextUrls(string text, int messageIndex, int partIndex, List<MediaReference> found)
    {
        foreach (var url in TextUrlScanner.FindUrls(text))
        {
            found.Add(new MediaReference(url, MediaClassifier.Classify(url), MediaOrigin.TextUrl, messageIndex, partIndex));
        }
    }
}
