using Akka.Actor;
using OaiRouter.Actors.Requests;

namespace OaiRouter.Actors.Forwarding;

/// <summary>
/// Sends requests to OpenRouter. It only starts the call and pipes the result back, so one
/// instance never holds up another; the pool size in router.hocon spreads the mailbox work.
/// </summary>
public sealed class OpenRouterForwarderActor : ReceiveActor
{
    public OpenRouterForwarderActor(OpenRouterClient client)
    {
        Receive<ForwardCompletion>(m => client.SendAsync(m.Request, m.Cancellation).PipeTo(Sender));
    }
}
