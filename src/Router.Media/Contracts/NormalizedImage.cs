namespace OaiRouter.Media.Contracts;

/// <summary>An image ready for a vision model: re-encoded bytes and their <c>data:</c> URL.</summary>
public sealed record NormalizedImage(string MediaType, byte[] Bytes, int Width, int Height, long SourceBytes, bool FromCache)
{
    public string ToDataUrl() => $"data:{MediaType};base64,{Convert.ToBase64String(Bytes)}";
}
