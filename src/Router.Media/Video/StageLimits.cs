using OaiRouter.Media.Contracts;

namespace OaiRouter.Media.Video;

/// <summary>Runs one stage of a video under a time limit, turning the limit into a <see cref="MediaFailure"/>.</summary>
internal static class StageLimits
{
    /// <summary>
    /// Runs <paramref name="work"/> with a token that is cancelled by the caller or after <paramref name="limit"/>.
    /// Whatever a stage throws once its token is cancelled is a consequence of the cancellation (a killed ffmpeg
    /// reports a failed run, not an <see cref="OperationCanceledException"/>), so: the limit becomes
    /// <see cref="MediaFailure.Timeout"/>, and the caller's cancellation stays an <see cref="OperationCanceledException"/>
    /// so that a client that went away is not reported as a media failure.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        string url, string stage, TimeSpan limit, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            var result = await work(timeout.Token).ConfigureAwait(false);
            // Some tools stop early and cleanly when asked to (ffmpeg's 'q'), so a cancelled run can look
            // successful; its output must not be used.
            timeout.Token.ThrowIfCancellationRequested();
            return result;
        }
        catch (Exception e) when (timeout.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new MediaFailure(MediaFailure.Timeout, url, $"{stage} took longer than {limit.TotalSeconds:0.#} s", e);
        }
    }

    /// <summary>As <see cref="RunAsync{T}"/> for work without a result.</summary>
    public static Task RunAsync(
        string url, string stage, TimeSpan limit, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunAsync(url, stage, limit, async token =>
        {
            await work(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
}
