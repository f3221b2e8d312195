using System.Text;
using System.Text.Json;

namespace OaiRouter.Tracking.Projection;

/// <summary>
/// The words a person searches for, taken from recorded bodies for <c>requests_fts</c>: the
/// string values of <c>content</c>, <c>text</c>, <c>prompt</c>, <c>input</c>, <c>refusal</c>,
/// <c>reasoning</c>, error <c>message</c>s and tool-call <c>arguments</c>, wherever they sit. Bodies can be cut at the
/// size cap mid-JSON, so the reader keeps what it read before the cut; a body that is not JSON
/// at all is indexed as it is.
/// </summary>
internal static class SearchText
{
    private const int MaxChars = 64 * 1024;

    private static readonly HashSet<string> TextProperties =
        ["content", "text", "prompt", "input", "refusal", "reasoning", "arguments", "instructions", "system", "message"];

    public static string FromBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }
        var trimmed = body.AsSpan().TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '['))
        {
            return Cap(body);
        }

        var text = new StringBuilder();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body), new JsonReaderOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = 256,
        });
        // Depth of an array held by a text property, so the strings directly in it ("prompt":
        // ["a","b"]) count too; -1 when outside one.
        var textDepth = -1;
        string? property = null;
        try
        {
            while (reader.Read() && text.Length < MaxChars)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.String:
                        if ((property is not null && TextProperties.Contains(property))
                            || (property is null && textDepth >= 0 && reader.CurrentDepth == textDepth + 1))
                        {
                            Append(text, reader.GetString());
                        }
                        property = null;
                        break;
                    case JsonTokenType.StartArray:
                        if (textDepth < 0 && property is not null && TextProperties.Contains(property))
                        {
                            textDepth = reader.CurrentDepth;
                        }
                        property = null;
                        break;
                    case JsonTokenType.EndArray:
                        if (reader.CurrentDepth == textDepth)
                        {
                            textDepth = -1;
                        }
                        break;
                    default:
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Cut by the body cap (or not JSON after all): keep what was read.
        }
        return text.Length == 0 && reader.BytesConsumed == 0 ? Cap(body) : Cap(text.ToString());
    }

    private static void Append(StringBuilder text, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }
        if (text.Length > 0)
        {
            text.Append('\n');
        }
        text.Append(value);
    }

    private static string Cap(string text) => text.Length <= MaxChars ? text : text[..MaxChars];
}
