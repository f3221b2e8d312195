using OaiRouter.Actors.Completions;
using OaiRouter.Actors.Errors;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Detection;
using OaiRouter.Media.Rewriting;

namespace OaiRouter.Actors.Media;

/// <summary>What the request actor does next with its media.</summary>
public abstract record MediaStep
{
    /// <summary>Nothing to do until more results arrive.</summary>
    public static readonly MediaStep Wait = new WaitStep();

    /// <summary>No media after all: forward the client's body as it is.</summary>
    public static readonly MediaStep ForwardAsIs = new ForwardAsIsStep();

    private sealed record WaitStep : MediaStep;

    private sealed record ForwardAsIsStep : MediaStep;
}

/// <summary>Fetch these links: each image URL once, each video URL once with its kind.</summary>
public sealed record FetchMedia(IReadOnlyList<string> Images, IReadOnlyList<(string Url, MediaKind Kind)> Videos) : MediaStep;

/// <summary>Every link is resolved and the model is chosen: rewrite and forward (see <see cref="MediaJob.BuildUpstream"/>).</summary>
public sealed record ForwardWithMedia(RoutingDecision Routing) : MediaStep;

/// <summary>Answer the client with this error; nothing is forwarded.</summary>
public sealed record FailWithError(RouterError Error, MediaFailure? Failure) : MediaStep;

/// <summary>
/// One request's media, as plain state: the request actor feeds it what its children and the model list report
/// (<c>On…</c>), and does what each returned <see cref="MediaStep"/> says. It decides when everything is in, which
/// model the request goes to, and which failure answers the client; it never fetches or tells anything itself.
/// </summary>
public sealed class MediaJob(CompletionRequest request, string visionModel, int maxItems)
{
    private readonly Dictionary<string, NormalizedImage> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VideoDigest> _videos = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private IReadOnlyList<MediaReference>? _references;
    private bool _catalogArrived;
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? _modalities;

    /// <summary>The facts the record keeps.</summary>
    public MediaReport Report { get; } = new();

    /// <summary>Set once the model is chosen (all media resolved); the record's <c>model_routed</c> and <c>routing_reason</c>.</summary>
    public RoutingDecision? Routing { get; private set; }

    /// <summary>True once the job has said forward or fail; later results are ignored.</summary>
    public bool Finished { get; private set; }

    /// <summary>True when detection found media: the request is forwarded rewritten, or not at all.</summary>
    public bool HasMedia => _references is { Count: > 0 };

    /// <summary>
    /// The cheap check made before any parsing: media can only be in a body that mentions <c>http</c> (any case)
    /// or <c>data:</c>. Most text-only requests stop here.
    /// </summary>
    public static bool MayHoldMedia(ReadOnlySpan<byte> body)
    {
        if (body.IndexOf("data:"u8) >= 0)
        {
            return true;
        }

        for (var at = body.IndexOfAny((byte)'h', (byte)'H'); at >= 0 && at + 4 <= body.Length; )
        {
            if ((body[at + 1] | 0x20) == 't' && (body[at + 2] | 0x20) == 't' && (body[at + 3] | 0x20) == 'p')
            {
                return true;
            }

            var next = body[(at + 1)..].IndexOfAny((byte)'h', (byte)'H');
            at = next < 0 ? -1 : at + 1 + next;
        }

        return false;
    }

    /// <summary>Detection is done: fetch what it found, forward as is when it found nothing, or refuse too many links.</summary>
    public MediaStep OnDetected(MediaDetected detected)
    {
        if (Finished)
        {
            return MediaStep.Wait;
        }

        Report.Detected(detected);
        _references = detected.References;
        if (detected.References.Count == 0)
        {
            Finished = true;
            return MediaStep.ForwardAsIs;
        }

        var urls = MediaDetector.DistinctUrls(detected.References);
        if (urls.Count > maxItems)
        {
            return Fail(MediaErrors.TooManyItems(urls.Count, maxItems, urls[maxItems]), null);
        }

        var images = new List<string>();
        var videos = new List<(string, MediaKind)>();
        foreach (var url in urls)
        {
            // One kind per link: the first settled one (a link given both as a part and in text is fetched once).
            var kind = detected.References.First(r => r.Url == url).Kind;
            if (kind == MediaKind.Image)
            {
                images.Add(url);
            }
            else
            {
                videos.Add((url, kind == MediaKind.Unknown ? MediaKind.Video : kind));
            }

            _pending.Add(url);
        }

        return new FetchMedia(images, videos);
    }

    /// <summary>The model list arrived (null: it could not be had).</summary>
    public MediaStep OnModelCatalog(IReadOnlyDictionary<string, IReadOnlyList<string>>? modalities)
    {
        _catalogArrived = true;
        _modalities = modalities;
        return Next();
    }

    public MediaStep OnImage(ImageResolved resolved)
    {
        if (!Accept(resolved.Url))
        {
            return MediaStep.Wait;
        }
        _images[resolved.Url] = resolved.Image;
        Report.Image(resolved);
        return Next();
    }

    public MediaStep OnVideo(VideoResolved resolved)
    {
        if (!Accept(resolved.Url))
        {
            return MediaStep.Wait;
        }
        _videos[resolved.Url] = resolved.Digest;
        Report.Video(resolved);
        return Next();
    }

    /// <summary>A result counts once, for a link still awaited, while the job is open.</summary>
    private bool Accept(string url) => !Finished && _pending.Remove(url);

    /// <summary>A link failed: a <see cref="MediaFailure"/> answers 400 naming it; anything else 500.</summary>
    public MediaStep OnFailure(MediaItemFailed failed)
    {
        if (Finished)
        {
            return MediaStep.Wait;
        }

        return failed.Cause is MediaFailure failure
            ? Fail(MediaErrors.FromFailure(failure), failure)
            : Fail(MediaErrors.Unexpected(failed.Url), null);
    }

    /// <summary>A stage's queue was full: 503 with Retry-After.</summary>
    public MediaStep OnBusy(MediaStageBusy busy)
    {
        if (Finished)
        {
            return MediaStep.Wait;
        }

        Report.Busy(busy.Stage);
        return Fail(MediaErrors.Busy(busy.Stage, busy.RetryAfter), null);
    }

    /// <summary>The request that goes upstream: the rewritten body, to the chosen model, as chat.</summary>
    /// <remarks>A legacy prompt with media becomes a chat body; the caller turns the chat answer back into <c>text_completion</c>.</remarks>
    public CompletionRequest BuildUpstream()
    {
        var routing = Routing ?? throw new InvalidOperationException("The media is not resolved yet.");
        var resolved = new ResolvedMedia(_images, _videos);
        var body = RequestRewriter.Rewrite(request.Body.Span, _references!, resolved, routing.Model);
        return request with { Body = body, Model = routing.Model, Endpoint = CompletionEndpoint.Chat };
    }

    private MediaStep Next()
    {
        if (Finished || _references is null || _pending.Count > 0 || !_catalogArrived)
        {
            return MediaStep.Wait;
        }

        Finished = true;
        Routing = MediaRouting.Decide(request.Model, request.ModelDefaulted, _modalities, visionModel);
        return new ForwardWithMedia(Routing);
    }

    private FailWithError Fail(RouterError error, MediaFailure? failure)
    {
        Finished = true;
        if (failure is not null)
        {
            Report.Failed(failure);
        }

        return new FailWithError(error, failure);
    }
}
