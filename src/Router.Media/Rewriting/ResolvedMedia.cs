using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Rewriting;

/// <summary>
/// What each media link of a request became, keyed by <see cref="MediaReference.Url"/> exactly as detected.
/// A link in neither map is left as it was in the request (for example a bare link in text that turned out
/// not to be media).
/// </summary>
public sealed record ResolvedMedia(
    IReadOnlyDictionary<string, NormalizedImage> Images,
    IReadOnlyDictionary<string, VideoDigest> Videos)
{
    /// <summary>Nothing resolved.</summary>
    public static ResolvedMedia Empty { get; } = new(new Dictionary<string, NormalizedImage>(), new Dictionary<string, VideoDigest>());
}
