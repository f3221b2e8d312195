using System.Text.Json;

namespace OaiRouter.Actors.Forwarding;

/// <summary>Cheap looks into JSON bytes that are passed through, without building a document.</summary>
public static class JsonPeek
{
    /// <summary>True when the top-level object has a non-null property of that name.</summary>
    public static bool HasTopLevelProperty(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(name);
                reader.Read();
                if (match)
                {
                    return reader.TokenType != JsonTokenType.Null;
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: nothing to find.
        }
        return false;
    }
}
