namespace OaiRouter.Media.Contracts;

/// <summary>Where in a request a media link was found.</summary>
public enum MediaOrigin
{
    /// <summary>An <c>image_url</c> content part.</summary>
    ImageUrlPart,
    /// <summary>A <c>video_url</c> content part.</summary>
    VideoUrlPart,
    /// <summary>A bare http(s) URL inside text (string content, a text part, or a legacy prompt).</summary>
    TextUrl,
}

/// <summary>One media link in a request.</summary>
/// <param name="MessageIndex">Index in <c>messages</c> (-1 for a legacy prompt).</param>
/// <param name="PartIndex">Index in the message's content parts, or -1 when content is a string.</param>
public sealed record MediaReference(string Url, MediaKind Kind, MediaOrigin Origin, int MessageIndex, int PartIndex);
