namespace OaiRouter.Media.Contracts;

/// <summary>
/// A media step failed for a reason the client can act on. The router answers 400 with
/// <see cref="Code"/> (e.g. <c>media_too_large</c>, <c>media_fetch_failed</c>) and names the URL.
/// </summary>
public sealed class MediaFailure(string code, string url, string reason, Exception? inner = null)
    : Exception($"{reason} ({url})", inner)
{
    public const string FetchFailed = "media_fetch_failed";
    public const string TooLarge = "media_too_large";
    public const string Refused = "media_url_refused";
    public const string NotAnImage = "media_not_an_image";
    public const string Unsupported = "media_unsupported";
    public const string TooLong = "media_too_long";
    public const string Timeout = "media_timeout";
    public const string Corrupt = "media_corrupt";

    public string Code { get; } = code;
    public string Url { get; } = url;
    public string Reason { get; } = reason;
}
