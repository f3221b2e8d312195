using OaiRouter.Tracking.Projection;

namespace OaiRouter.Tracking.Tests.Projection;

public sealed class SearchTextTests
{
    [Fact]
    public void ChatMessages_GiveTheirTextOnly()
    {
        var text = SearchText.FromBody("""
            {"model":"m","messages":[
              {"role":"system","content":"be brief"},
              {"role":"user","content":[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"data:image/png;sha256=ab;bytes=3;base64-omitted"}}]}
            ]}
            """);
        Assert.Equal("be brief\nwhat is this", text);
    }

    [Fact]
    public void LegacyPrompts_AsStringOrArray()
    {
        Assert.Equal("once upon", SearchText.FromBody("""{"model":"m","prompt":"once upon"}"""));
        Assert.Equal("a\nb", SearchText.FromBody("""{"model":"m","prompt":["a","b"],"stop":["x"]}"""));
    }

    [Fact]
    public void Responses_GiveContentAndToolArguments()
    {
        var text = SearchText.FromBody("""
            {"id":"gen-1","choices":[{"message":{"role":"assistant","content":"sunny",
              "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},
              "finish_reason":"stop"}],"usage":{"prompt_tokens":3}}
            """);
        Assert.Equal("sunny\n{\"city\":\"Oslo\"}", text);
    }

    [Fact]
    public void BodyCutAtTheCap_KeepsWhatCameBeforeTheCut() =>
        Assert.Equal("first words\nsecond", SearchText.FromBody(
            """{"messages":[{"role":"user","content":"first words"},{"role":"user","content":"second"},{"role":"user","content":"thi…[truncated by OaiRouter: 99999 bytes in all]"""));

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("plain words", "plain words")]
    public void NonJson_IsIndexedAsItIs(string? body, string expected) => Assert.Equal(expected, SearchText.FromBody(body));
}
