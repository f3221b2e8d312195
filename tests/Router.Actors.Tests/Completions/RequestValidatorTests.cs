using System.Text;
using System.Text.Json;
using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;

namespace OaiRouter.Actors.Tests.Completions;

public sealed class RequestValidatorTests
{
    private static (ValidatedBody? Body, RouterError? Error) Validate(string json, CompletionEndpoint endpoint = CompletionEndpoint.Chat) =>
        RequestValidator.Validate(endpoint, Encoding.UTF8.GetBytes(json), "default/model");

    [Fact]
    public void BodyWithModel_IsPassedThroughByteForByte()
    {
        const string json = "{ \"model\":\"a/b\", \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}], \"tools\":[{\"type\":\"function\"}], \"provider\":{\"order\":[\"x\"]}, \"x_unknown\": 1.50 }";
        var (body, error) = Validate(json);
        Assert.Null(error);
        Assert.Equal(json, Encoding.UTF8.GetString(body!.Body.Span));
        Assert.Equal("a/b", body.Model);
        Assert.False(body.ModelDefaulted);
        Assert.False(body.Stream);
    }

    [Fact]
    public void MissingModel_GetsDefaultSplicedInAndKeepsEveryOtherField()
    {
        var (body, error) = Validate("{\"messages\":[{\"role\":\"user\",\"content\":\"hi \\u00e9\"}],\"stream\":true,\"seed\":7}");
        Assert.Null(error);
        Assert.True(body!.ModelDefaulted);
        Assert.True(body.Stream);
        using var doc = JsonDocument.Parse(body.Body);
        Assert.Equal("default/model", doc.RootElement.GetProperty("model").GetString());
        Assert.Equal(7, doc.RootElement.GetProperty("seed").GetInt32());
        Assert.Equal("hi é", doc.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public void ModelsFallbackList_IsNotReplacedByTheDefault()
    {
        const string json = "{\"models\":[\"m/one\",\"m/two\"],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        var (body, _) = Validate(json);
        Assert.Equal(json, Encoding.UTF8.GetString(body!.Body.Span));
        Assert.Equal("m/one", body.Model);
    }

    [Theory]
    [InlineData("", "invalid_json", null)]
    [InlineData("{\"messages\":", "invalid_json", null)]
    [InlineData("[1,2]", "invalid_json", null)]
    [InlineData("{\"model\":\"m\"}", "missing_required_parameter", "messages")]
    [InlineData("{\"messages\":[]}", null, "messages")]
    [InlineData("{\"messages\":\"hi\"}", null, "messages")]
    [InlineData("{\"messages\":[{\"content\":\"no role\"}]}", null, "messages[0]")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"model\":5}", null, "model")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}", null, "stream")]
    public void BadChatBodies_AreRefusedWith400AndTheParam(string json, string? code, string? param)
    {
        var (body, error) = Validate(json);
        Assert.Null(body);
        Assert.Equal(400, error!.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal(param, error.Param);
        if (code is not null)
        {
            Assert.Equal(code, error.Code);
        }
    }

    [Theory]
    [InlineData("{\"prompt\":\"once upon\"}", true)]
    [InlineData("{\"prompt\":[\"a\",\"b\"]}", true)]
    [InlineData("{\"prompt\":null}", false)]
    [InlineData("{\"prompt\":3}", false)]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", false)]
    public void LegacyBodies_NeedAPrompt(string json, bool ok)
    {
        var (body, error) = Validate(json, CompletionEndpoint.Legacy);
        Assert.Equal(ok, body is not null);
        Assert.Equal(ok, error is null);
        if (!ok)
        {
            Assert.Equal("prompt", error!.Param);
        }
    }

    [Fact]
    public void InsertModel_EscapesTheModelName()
    {
        var bytes = RequestValidator.InsertModel(Encoding.UTF8.GetBytes(" {\"prompt\":\"p\"}"), "we\"ird");
        using var doc = JsonDocument.Parse(bytes);
        Assert.Equal("we\"ird", doc.RootElement.GetProperty("model").GetString());
        Assert.Equal("p", doc.RootElement.GetProperty("prompt").GetString());
    }
}
