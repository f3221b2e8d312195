namespace OaiRouter.Actors.Tests;

/// <summary>Awaits a condition with a bound: the tests' one way to wait for something to happen.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(20);

    /// <summary>True as soon as <paramref name="condition"/> holds; false once <paramref name="bound"/> has passed.</summary>
    public static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(Interval);
        }
        return true;
    }

    public static Task<bool> WithinAsync(Func<bool> condition, TimeSpan bound) =>
        WithinAsync(() => Task.FromResult(condition()), bound);

    /// <summary>Fails the test naming <paramref name="what"/> when it does not happen in time.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        if (!await WithinAsync(condition, timeout ?? DefaultBound))
        {
            Assert.Fail($"Timed out waiting for: {what}");
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);
}
