namespace OaiRouter.Host.Tests.Support;

/// <summary>Awaits a condition with a bound: the tests' one way to wait for something to happen.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>True as soon as <paramref name="condition"/> holds; false once <paramref name="bound"/> has passed.</summary>
    public static async Task<bool> WithinAsync(Func<bool> condition, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(Interval);
        }
        return true;
    }
}
