using OaiRouter.Actors.Records;

namespace OaiRouter.Actors.Tests.Records;

public sealed class SecretRedactorTests
{
    private readonly SecretRedactor _redactor = new(["configured-client-key-1", "upstream-key-xyz"]);

    [Theory]
    [InlineData("key sk-or-v1-fake-test-key-not-real end", "key [REDACTED] end")]
    [InlineData("{\"k\":\"sk-proj-fake-test-key_not-real\"}", "{\"k\":\"[REDACTED]\"}")]
    [InlineData("sk-ant-fake-test-key-not-real", "[REDACTED]")]
    [InlineData("plain sk-fake-test-key-not-real", "plain [REDACTED]")]
    [InlineData("Authorization: Bearer abc.def-ghi_jkl=", "Authorization: Bearer [REDACTED]")]
    [InlineData("uses configured-client-key-1 and upstream-key-xyz", "uses [REDACTED] and [REDACTED]")]
    public void Secrets_and_key_shaped_text_are_masked(string text, string expected) =>
        Assert.Equal(expected, _redactor.Redact(text));

    [Theory]
    [InlineData("a task-list with sk- short sk-abc")]
    [InlineData("Bearer short")]
    [InlineData("nothing secret here at all, just text and {\"json\": true}")]
    [InlineData("")]
    public void Text_without_secrets_is_returned_unchanged(string text) =>
        Assert.Same(text, _redactor.Redact(text));

    [Fact]
    public void A_key_that_contains_another_configured_key_is_masked_whole()
    {
        var redactor = new SecretRedactor(["abcd1234", "abcd1234-longer-secret"]);

        Assert.Equal("x [REDACTED] y", redactor.Redact("x abcd1234-longer-secret y"));
    }
}
