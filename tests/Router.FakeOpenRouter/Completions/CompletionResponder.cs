using Microsoft.AspNetCore.Http;
using OaiRouter.FakeOpenRouter.Generations;
using OaiRouter.FakeOpenRouter.Http;

namespace OaiRouter.FakeOpenRouter.Completions;

/// <summary>Answers one authorised, parsed completion request according to its model's behaviour.</summary>
internal sealed class CompletionResponder(HttpContext context, FakeState state, CompletionRequest request, bool legacy)
{
    private const int ContentChunks = 20;

    private static readonly ReadOnlyMemory<byte> s_processing = ": OPENROUTER PROCESSING\n\n"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> s_done = "data: [DONE]\n\n"u8.ToArray();

    private enum StreamEnding
    {
        Done,
        ErrorEvent,
        Cut,
        Stall,
    }

    /// <summary>The generation this request produced, once it got that far.</summary>
    public GenerationRecord? Record { get; private set; }

    public async Task RunAsync(CancellationToken ct)
    {
        var model = state.Model(request.Model);
        var behaviour = model.Behaviour;
        switch (behaviour.Kind)
        {
            case FakeBehaviourKind.Error:
                await OpenRouterErrors.WriteUpstreamAsync(context, behaviour.Status, behaviour.RetryAfterSeconds);
                return;
            case FakeBehaviourKind.Flaky when state.NextFlakyAttempt(request.Model) <= behaviour.FailCount:
                await OpenRouterErrors.WriteUpstreamAsync(context, behaviour.Status, behaviour.RetryAfterSeconds);
                return;
            case FakeBehaviourKind.ErrorIn200:
                Begin(streamed: false).FinishReason = "error";
                CompletionJson.WriteErrorIn200Body();
                await ResponseWriting.WriteScratchAsJsonAsync(context.Response, StatusCodes.Status200OK, ct);
                return;
            case FakeBehaviourKind.Stall:
            case FakeBehaviourKind.StallAfterToken when !request.Stream:
                await state.WaitAsync(FakeBehaviour.StallBound, ct);
                await OpenRouterErrors.WriteAsync(context, StatusCodes.Status408RequestTimeout, "fake stall ended", "timeout");
                return;
            case FakeBehaviourKind.Tools when !legacy && request.LastRole != "tool":
                await AnswerWithToolCallAsync(model, ct);
                return;
        }

        var content = behaviour.Kind == FakeBehaviourKind.Tools && request.LastRole == "tool"
            ? "tool said: " + request.LastText
            : "echo: " + request.EchoText;
        var delayMs = behaviour.Kind == FakeBehaviourKind.Slow ? behaviour.DelayMs : 0;
        if (!request.Stream)
        {
            await DelayAsync(delayMs, ct);
            var generation = Begin(streamed: false);
            CompletionJson.WriteCompletion(IdentityOf(generation, model), content);
            await ResponseWriting.WriteScratchAsJsonAsync(context.Response, StatusCodes.Status200OK, ct);
            return;
        }

        var ending = behaviour.Kind switch
        {
            FakeBehaviourKind.StreamErrorAfterToken => StreamEnding.ErrorEvent,
            FakeBehaviourKind.StreamCut => StreamEnding.Cut,
            FakeBehaviourKind.StallAfterToken => StreamEnding.Stall,
            _ => StreamEnding.Done,
        };
        await StreamTextAsync(model, content, delayMs, ending, ct);
    }

    private async Task StreamTextAsync(ModelEntry model, string content, int delayMs, StreamEnding ending, CancellationToken ct)
    {
        var record = Begin(streamed: true);
        var g = IdentityOf(record, model);
        var response = context.Response;
        ResponseWriting.StartEventStream(response);
        await ResponseWriting.WriteRawEventAsync(response, s_processing, ct);

        var chunks = ending switch
        {
            StreamEnding.ErrorEvent or StreamEnding.Cut => 3,
            StreamEnding.Stall => 2,
            _ => ContentChunks,
        };
        for (var i = 0; i < chunks; i++)
        {
            await DelayAsync(delayMs, ct);
            CompletionJson.WriteContentChunk(g, Piece(content, i, ContentChunks), first: i == 0);
            await ResponseWriting.WriteScratchAsEventAsync(response, ct);
        }

        switch (ending)
        {
            case StreamEnding.ErrorEvent:
                record.FinishReason = "error";
                CompletionJson.WriteMidStreamErrorChunk(g);
                await ResponseWriting.WriteScratchAsEventAsync(response, ct);
                return;
            case StreamEnding.Cut:
                record.FinishReason = "error";
                // Abort right after the flush could drop bytes still queued in the transport; give them a moment.
                await state.WaitAsync(TimeSpan.FromMilliseconds(20), ct);
                context.Abort();
                return;
            case StreamEnding.Stall:
                await state.WaitAsync(FakeBehaviour.StallBound, ct);
                record.FinishReason = "error";
                return;
        }

        await FinishStreamAsync(g, "stop", ct);
    }

    private async Task AnswerWithToolCallAsync(ModelEntry model, CancellationToken ct)
    {
        var record = Begin(streamed: request.Stream);
        record.FinishReason = "tool_calls";
        var g = IdentityOf(record, model);
        var toolName = request.FirstToolName ?? "get_weather";
        var response = context.Response;
        if (!request.Stream)
        {
            CompletionJson.WriteToolCallCompletion(g, toolName);
            await ResponseWriting.WriteScratchAsJsonAsync(response, StatusCodes.Status200OK, ct);
            return;
        }

        ResponseWriting.StartEventStream(response);
        await ResponseWriting.WriteRawEventAsync(response, s_processing, ct);
        CompletionJson.WriteToolCallStartChunk(g, toolName);
        await ResponseWriting.WriteScratchAsEventAsync(response, ct);
        foreach (var fragment in CompletionJson.ToolArgumentFragments)
        {
            CompletionJson.WriteToolArgumentsChunk(g, fragment);
            await ResponseWriting.WriteScratchAsEventAsync(response, ct);
        }

        await FinishStreamAsync(g, "tool_calls", ct);
    }

    private async Task FinishStreamAsync(Generation g, string finishReason, CancellationToken ct)
    {
        var response = context.Response;
        CompletionJson.WriteFinishChunk(g, finishReason);
        await ResponseWriting.WriteScratchAsEventAsync(response, ct);
        CompletionJson.WriteUsageChunk(g);
        await ResponseWriting.WriteScratchAsEventAsync(response, ct);
        await ResponseWriting.WriteRawEventAsync(response, s_done, ct);
    }

    private GenerationRecord Begin(bool streamed)
    {
        Record = state.Generations.Create(request.Model, streamed);
        context.Response.Headers["X-Generation-Id"] = Record.Id;
        return Record;
    }

    private Generation IdentityOf(GenerationRecord record, ModelEntry model) =>
        new(record.Id, model.EncodedName, state.Time.GetUtcNow().ToUnixTimeSeconds(), legacy);

    private Task DelayAsync(int delayMs, CancellationToken ct) =>
        delayMs > 0 ? state.WaitAsync(TimeSpan.FromMilliseconds(delayMs), ct) : Task.CompletedTask;

    /// <summary>Piece <paramref name="index"/> of <paramref name="count"/> near-equal pieces; short texts give empty pieces.</summary>
    private static string Piece(string text, int index, int count)
    {
        var start = Boundary(text, index, count);
        var end = Boundary(text, index + 1, count);
        return text[start..end];
    }

    private static int Boundary(string text, int index, int count)
    {
        var at = (int)((long)text.Length * index / count);
        // Never split a surrogate pair across two chunks.
        return at > 0 && at < text.Length && char.IsLowSurrogate(text[at]) ? at + 1 : at;
    }
}
