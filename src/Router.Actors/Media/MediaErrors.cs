using System.Globalization;
using OaiRouter.Actors.Errors;
using OaiRouter.Media.Contracts;
using OaiRouter.Media.Images;

namespace OaiRouter.Actors.Media;

/// <summary>Media outcomes as the client sees them, through <see cref="RouterErrors"/>.</summary>
public static class MediaErrors
{
    /// <summary>A 400 naming the link and the reason; <c>code</c> is <see cref="MediaFailure.Code"/>.</summary>
    public static RouterError FromFailure(MediaFailure failure) => RouterErrors.Create(FailureKind.Media,
        $"The media at {ImageNormalizer.DescribeUrl(failure.Url)} could not be used: {failure.Reason}.", "messages", failure.Code);

    /// <summary>A 503 with <c>Retry-After</c>: a media stage's queue is full.</summary>
    public static RouterError Busy(string stage, TimeSpan retryAfter) => RouterErrors.Create(FailureKind.MediaBusy,
        string.Create(CultureInfo.InvariantCulture,
            $"The router's media {stage} are at capacity; retry in {Math.Ceiling(retryAfter.TotalSeconds):0} s."))
        with { RetryAfter = retryAfter };

    /// <summary>A 500 for a media step that failed in a way nobody planned for (logged by the request actor).</summary>
    public static RouterError Unexpected(string url) => RouterErrors.Create(FailureKind.Internal,
        string.IsNullOrEmpty(url)
            ? "The router failed while preparing the request's media."
            : $"The router failed while preparing the media at {ImageNormalizer.DescribeUrl(url)}.",
        code: "media_internal_error");

    /// <summary>A 400: more distinct media links than <c>MEDIA_MAX_ITEMS_PER_REQUEST</c> allows.</summary>
    public static RouterError TooManyItems(int found, int limit, string firstOverLimit) => RouterErrors.Create(FailureKind.Media,
        string.Create(CultureInfo.InvariantCulture,
            $"The request links {found} media items; at most {limit} are handled per request (MEDIA_MAX_ITEMS_PER_REQUEST). The first past the limit is {ImageNormalizer.DescribeUrl(firstOverLimit)}."),
        "messages", "media_too_many_items");
}
