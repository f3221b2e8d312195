using OaiRouter.Actors.Models;
using OaiRouter.Host.Errors;

namespace OaiRouter.Host.Endpoints;

/// <summary><c>GET /v1/models</c>: upstream's list, cached briefly.</summary>
internal static class ModelsEndpoints
{
    public static RouteGroupBuilder MapModels(this RouteGroupBuilder v1)
    {
        v1.MapGet("/models", async (HttpContext context, ModelCatalog catalog) =>
            {
                var (models, error) = await catalog.GetAsync(context.RequestAborted);
                if (models is null)
                {
                    await ErrorResponses.WriteAsync(context, error!);
                    return;
                }
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = models.Body.Length;
                await context.Response.Body.WriteAsync(models.Body, context.RequestAborted);
            })
            .WithName("ListModels")
            .WithSummary("OpenRouter's model list.");
        return v1;
    }
}
