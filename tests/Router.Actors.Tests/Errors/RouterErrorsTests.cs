using System.Text;
using System.Text.Json;
using OaiRouter.Actors.Errors;

namespace OaiRouter.Actors.Tests.Errors;

public sealed class RouterErrorsTests
{
    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "insufficient_quota")]
    [InlineData(403, "permission_error")]
    [InlineData(408, "timeout_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(502, "server_error")]
    [InlineData(503, "server_error")]
    [InlineData(524, "server_error")]
    [InlineData(529, "server_error")]
    public void UpstreamError_KeepsStatusAndMessage(int status, string type)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"error\":{{\"code\":{status},\"message\":\"boom {status}\",\"metadata\":{{\"error_type\":\"provider_overloaded\"}}}}}}");
        var error = RouterErrors.FromUpstream(status, body, null);
        Assert.Equal(status, error.Status);
        Assert.Equal($"boom {status}", error.Message);
        Assert.Equal(type, error.Type);
        Assert.Equal("provider_overloaded", error.Code);
    }

    [Fact]
    public void ErrorInside200_TakesTheErrorsOwnCode()
    {
        var error = RouterErrors.FromUpstream(200, "{\"error\":{\"code\":503,\"message\":\"no provider\"}}"u8, null);
        Assert.Equal(503, error.Status);
        Assert.Equal("no provider", error.Message);
    }

    [Fact]
    public void NonJsonUpstreamBody_StillGivesAnError()
    {
        var error = RouterErrors.FromUpstream(502, "<html>bad gateway</html>"u8, TimeSpan.FromSeconds(3));
        Assert.Equal(502, error.Status);
        Assert.Contains("502", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(3), error.RetryAfter);
    }

    [Fact]
    public void ToJson_WritesAllFourKeys()
    {
        var json = RouterErrors.ToJson(RouterErrors.Create(FailureKind.InvalidRequest, "bad \"thing\"", "messages"));
        using var doc = JsonDocument.Parse(json);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal("bad \"thing\"", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
    }

    [Theory]
    [InlineData(FailureKind.InvalidJson, 400)]
    [InlineData(FailureKind.UnsupportedMediaType, 415)]
    [InlineData(FailureKind.BodyTooLarge, 413)]
    [InlineData(FailureKind.Unauthorized, 401)]
    [InlineData(FailureKind.NotFound, 404)]
    [InlineData(FailureKind.UpstreamNotConfigured, 503)]
    [InlineData(FailureKind.UpstreamUnreachable, 502)]
    [InlineData(FailureKind.UpstreamTimeout, 504)]
    [InlineData(FailureKind.Internal, 500)]
    public void EveryKind_HasItsStatus(FailureKind kind, int status) =>
        Assert.Equal(status, RouterErrors.Create(kind, "m").Status);
}
