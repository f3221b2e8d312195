using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace OaiRouter.Host.Tests.Support;

/// <summary>The official OpenAI SDK pointed at the router, as a user would.</summary>
internal static class OpenAiClients
{
    public static ChatClient Chat(TestRouter router, string model, string apiKey = "client-key-not-checked", bool retries = false) =>
        new(model, new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = router.V1,
            RetryPolicy = retries ? null : new ClientRetryPolicy(0),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        });
}
