using System.Globalization;
using OaiRouter.Actors.Errors;

namespace OaiRouter.Host.Errors;

/// <summary>Writes a <see cref="RouterError"/> as OpenAI's <c>{"error":{…}}</c> with its status.</summary>
internal static class ErrorResponses
{
    public static async Task WriteAsync(HttpContext context, RouterError error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        if (error.RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
        if (error.Status == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }
        var body = RouterErrors.ToJson(error);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public static Task WriteAsync(HttpContext context, FailureKind kind, string message, string? param = null, string? code = null) =>
        WriteAsync(context, RouterErrors.Create(kind, message, param, code));
}
