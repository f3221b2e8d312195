using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OaiRouter.FakeOpenRouter.Http;

namespace OaiRouter.FakeOpenRouter.Catalog;

/// <summary><c>GET /models</c>: a fixed catalogue with the modalities the router's media decisions depend on.</summary>
internal static class ModelsEndpoint
{
    private static readonly ReadOnlyMemory<byte> s_body = """
        {"data":[
        {"id":"openai/gpt-4o-mini","canonical_slug":"openai/gpt-4o-mini","name":"OpenAI: GPT-4o-mini","created":1721260800,"description":"Fake catalogue entry.","context_length":128000,"architecture":{"modality":"text+image->text","input_modalities":["text","image"],"output_modalities":["text"],"tokenizer":"GPT","instruct_type":null},"pricing":{"prompt":"0.00000015","completion":"0.0000006","image":"0","request":"0"},"top_provider":{"context_length":128000,"max_completion_tokens":16384,"is_moderated":true},"per_request_limits":null,"supported_parameters":["max_tokens","temperature","top_p","stop","tools","tool_choice","response_format","seed"]},
        {"id":"meta-llama/llama-3.1-8b-instruct","canonical_slug":"meta-llama/llama-3.1-8b-instruct","name":"Meta: Llama 3.1 8B Instruct","created":1721692800,"description":"Fake catalogue entry.","context_length":131072,"architecture":{"modality":"text->text","input_modalities":["text"],"output_modalities":["text"],"tokenizer":"Llama3","instruct_type":"llama3"},"pricing":{"prompt":"0.00000015","completion":"0.0000006","image":"0","request":"0"},"top_provider":{"context_length":131072,"max_completion_tokens":8192,"is_moderated":false},"per_request_limits":null,"supported_parameters":["max_tokens","temperature","top_p","stop","tools","tool_choice","seed"]},
        {"id":"google/gemini-2.5-flash","canonical_slug":"google/gemini-2.5-flash","name":"Google: Gemini 2.5 Flash","created":1750172488,"description":"Fake catalogue entry.","context_length":1048576,"architecture":{"modality":"text+image->text","input_modalities":["text","image","video"],"output_modalities":["text"],"tokenizer":"Gemini","instruct_type":null},"pricing":{"prompt":"0.00000015","completion":"0.0000006","image":"0","request":"0"},"top_provider":{"context_length":1048576,"max_completion_tokens":65535,"is_moderated":false},"per_request_limits":null,"supported_parameters":["max_tokens","temperature","top_p","stop","tools","tool_choice","response_format","seed","reasoning"]}
        ]}
        """u8.ToArray();

    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder api, FakeState state)
    {
        api.MapGet("/models", context =>
        {
            state.CountModelsCall();
            return ResponseWriting.WriteJsonAsync(context.Response, StatusCodes.Status200OK, s_body, context.RequestAborted);
        });
        return api;
    }
}
