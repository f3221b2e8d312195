using OaiRouter.Actors.Forwarding;

namespace OaiRouter.Actors.Tests.Forwarding;

public sealed class JsonPeekTests
{
    [Theory]
    [InlineData("{\"error\":{\"code\":502}}", true)]
    [InlineData("{\"id\":\"x\",\"choices\":[{\"error\":1}],\"error\":null}", false)]
    [InlineData("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"error\"}}]}", false)]
    [InlineData("{\"nested\":{\"error\":1},\"error\":\"x\"}", true)]
    [InlineData("not json", false)]
    public void HasTopLevelProperty_LooksOnlyAtTheTopLevel(string json, bool expected) =>
        Assert.Equal(expected, JsonPeek.HasTopLevelProperty(System.Text.Encoding.UTF8.GetBytes(json), "error"u8));
}
