namespace OaiRouter.Actors.Media;

/// <summary>Where a request with media goes, and why (both kept in the record).</summary>
public sealed record RoutingDecision(string Model, string Reason);

/// <summary>
/// Picks the model for a request that carries media: its own model when upstream's model list says that model
/// takes images, else (or when the client named none) the vision model.
/// </summary>
public static class MediaRouting
{
    public const string AcceptsImages = "requested model accepts images";
    public const string TextOnly = "requested model is text-only: vision model";
    public const string NoModelNamed = "no model named: vision model";
    public const string UnknownModel = "requested model is not in the model list: vision model";
    public const string NoModelList = "model list unavailable: vision model";

    /// <param name="requestedModel">The model the request names (after defaulting).</param>
    /// <param name="modelDefaulted">True when the client named no model and the default text model was put in.</param>
    /// <param name="inputModalities">Upstream's <c>architecture.input_modalities</c> per model id; null when the list could not be had.</param>
    /// <param name="visionModel"><c>VISION_MODEL</c>.</param>
    public static RoutingDecision Decide(
        string requestedModel,
        bool modelDefaulted,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? inputModalities,
        string visionModel)
    {
        if (modelDefaulted || string.IsNullOrWhiteSpace(requestedModel))
        {
            return new RoutingDecision(visionModel, NoModelNamed);
        }

        if (inputModalities is null)
        {
            return new RoutingDecision(visionModel, NoModelList);
        }

        if (!inputModalities.TryGetValue(requestedModel, out var modalities))
        {
            return new RoutingDecision(visionModel, UnknownModel);
        }

        return modalities.Contains("image", StringComparer.OrdinalIgnoreCase)
            ? new RoutingDecision(requestedModel, AcceptsImages)
            : new RoutingDecision(visionModel, TextOnly);
    }
}
