using System.Globalization;

namespace OaiRouter.Tracking.Ui.Charts;

/// <summary>Scales and coordinates for the server-drawn SVG charts.</summary>
public static class ChartMath
{
    /// <summary>The smallest "round" number (1, 2, 2.5, 5 × 10ⁿ) at or above <paramref name="max"/>.</summary>
    public static double NiceCeiling(double max)
    {
        if (!(max > 0) || !double.IsFinite(max))
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= max * 0.999999)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /// <summary>
    /// The step between four gridlines that covers <paramref name="max"/> with round numbers;
    /// whole numbers (at least 1) for counts.
    /// </summary>
    public static double TickStep(double max, bool integers)
    {
        var step = NiceCeiling(max / 4);
        return integers ? Math.Max(1, Math.Ceiling(step)) : step;
    }

    /// <summary>A coordinate for an SVG attribute: invariant, one decimal.</summary>
    public static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Every k-th index so that at most <paramref name="max"/> labels show.</summary>
    public static int LabelStep(int count, int max) => Math.Max(1, (int)Math.Ceiling(count / (double)Math.Max(max, 1)));
}

/// <summary>One series of a column chart; later series are drawn over earlier ones.</summary>
public sealed record ChartSeries(string Name, string CssClass, IReadOnlyList<double> Values);
