using System.Text;
using OaiRouter.Host.Tests.Support;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Endpoints;

public sealed class ToolCallsTests(RouterFixture fixture) : IClassFixture<RouterFixture>
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        "get_weather", "Weather in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private TestRouter Router => fixture.Router;

    [Fact]
    public async Task ToolCall_ComesBackThroughTheSdk()
    {
        var options = new ChatCompletionOptions { Tools = { Weather } };
        ChatCompletion completion = await OpenAiClients.Chat(Router, "fake/tools")
            .CompleteChatAsync([new UserChatMessage("weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"city":"Paris"}""", call.FunctionArguments.ToString());
    }

    [Fact]
    public async Task StreamedToolCallDeltas_AssembleIntoOneCall()
    {
        var options = new ChatCompletionOptions { Tools = { Weather } };
        string? name = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in OpenAiClients.Chat(Router, "fake/tools")
            .CompleteChatStreamingAsync([new UserChatMessage("weather?")], options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal("get_weather", name);
        Assert.Equal("""{"city":"Paris"}""", arguments.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
    }

    [Fact]
    public async Task ToolRoundTrip_SendsTheToolResultBack()
    {
        var client = OpenAiClients.Chat(Router, "fake/tools");
        var options = new ChatCompletionOptions { Tools = { Weather } };
        List<ChatMessage> messages = [new UserChatMessage("weather in Paris?")];
        ChatCompletion first = await client.CompleteChatAsync(messages, options);
        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(first.ToolCalls[0].Id, "sunny, 21C"));

        ChatCompletion second = await client.CompleteChatAsync(messages, options);

        Assert.Equal("tool said: sunny, 21C", second.Content[0].Text);
        var upstream = Router.Fake.Requests.Last(r => r.Body.Contains("sunny, 21C"));
        Assert.Contains("\"tool_call_id\":\"call_1\"", upstream.Body);
        Assert.Contains("\"tool_calls\"", upstream.Body);
    }
}
