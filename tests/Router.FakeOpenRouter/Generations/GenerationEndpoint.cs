using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OaiRouter.FakeOpenRouter.Http;

namespace OaiRouter.FakeOpenRouter.Generations;

/// <summary><c>GET /generation?id=…</c>: stats for a generation this fake produced, answered immediately.</summary>
internal static class GenerationEndpoint
{
    public static IEndpointRouteBuilder MapGenerations(this IEndpointRouteBuilder api, FakeState state)
    {
        api.MapGet("/generation", context => HandleAsync(context, state));
        return api;
    }

    private static Task HandleAsync(HttpContext context, FakeState state)
    {
        state.CountGenerationCall();
        // Real OpenRouter requires the key here as well.
        if (!BearerAuth.IsAuthorized(context.Request))
        {
            return OpenRouterErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, "No auth credentials found");
        }

        var id = context.Request.Query["id"].ToString();
        if (state.Generations.Find(id) is not { } record)
        {
            return OpenRouterErrors.WriteAsync(context, StatusCodes.Status404NotFound, "Generation not found");
        }

        WriteBody(record);
        return ResponseWriting.WriteScratchAsJsonAsync(context.Response, StatusCodes.Status200OK, context.RequestAborted);
    }

    private static void WriteBody(GenerationRecord record)
    {
        var w = JsonScratch.Acquire();
        w.WriteStartObject();
        w.WritePropertyName("data"u8);
        w.WriteStartObject();
        w.WriteString("id"u8, record.Id);
        w.WriteNumber("total_cost"u8, 0.00042m);
        w.WriteNumber("tokens_prompt"u8, 11);
        w.WriteNumber("tokens_completion"u8, 7);
        w.WriteNumber("native_tokens_prompt"u8, 11);
        w.WriteNumber("native_tokens_completion"u8, 7);
        w.WriteNumber("native_tokens_reasoning"u8, 1);
        w.WriteNumber("native_tokens_cached"u8, 2);
        w.WriteNumber("latency"u8, 120);
        w.WriteNumber("generation_time"u8, 100);
        w.WriteString("provider_name"u8, "Fake"u8);
        w.WriteString("model"u8, record.Model);
        w.WriteBoolean("streamed"u8, record.Streamed);
        w.WriteBoolean("cancelled"u8, record.Cancelled);
        w.WriteString("finish_reason"u8, record.FinishReason);
        w.WriteBoolean("is_byok"u8, false);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
