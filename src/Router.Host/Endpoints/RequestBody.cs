using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using OaiRouter.Actors.Errors;

namespace OaiRouter.Host.Endpoints;

/// <summary>Reads a JSON request body under the size cap; refuses the rest before reading it.</summary>
internal static class RequestBody
{
    public static async Task<(ReadOnlyMemory<byte> Body, RouterError? Error)> ReadJsonAsync(HttpContext context, long cap)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return (default, RouterErrors.Create(FailureKind.UnsupportedMediaType,
                $"Content-Type must be application/json, not '{request.ContentType ?? "(none)"}'."));
        }
        if (request.ContentLength > cap)
        {
            return (default, TooLarge(cap));
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = cap;
        }

        try
        {
            var length = request.ContentLength is long n && n > 0 && n <= cap ? (int)n : 4096;
            using var buffer = new MemoryStream(length);
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            return (new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, TooLarge(cap));
        }
    }

    private static RouterError TooLarge(long cap) =>
        RouterErrors.Create(FailureKind.BodyTooLarge, $"The request body is larger than the router's limit of {cap} bytes.");

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
}
