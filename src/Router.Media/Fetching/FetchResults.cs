namespace OaiRouter.Media.Fetching;

/// <summary>A fetched body held in memory.</summary>
/// <param name="Url">The URL asked for.</param>
/// <param name="FinalUrl">The URL that answered, after redirects.</param>
/// <param name="ContentType">The media type the server declared (without parameters), if any.</param>
public sealed record FetchedContent(string Url, Uri FinalUrl, string? ContentType, byte[] Bytes);

/// <summary>A fetched body written to a file.</summary>
public sealed record FetchedFile(string Url, Uri FinalUrl, string? ContentType, string Path, long Length);

/// <summary>The start of a body: enough to tell what it is without downloading it all.</summary>
/// <param name="ContentLength">The declared length, when the server sent one.</param>
public sealed record FetchedHead(string Url, Uri FinalUrl, string? ContentType, long? ContentLength, byte[] Head);
