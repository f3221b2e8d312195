using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace OaiRouter.Tracking.Ui.Charts;

/// <summary>
/// An SVG <c>&lt;text&gt;</c> element. Razor reserves the <c>text</c> tag for itself, so this
/// builds it directly; the content is still encoded like any other.
/// </summary>
public sealed class SvgText : ComponentBase
{
    /// <summary>x.</summary>
    [Parameter] public double X { get; set; }
    /// <summary>y.</summary>
    [Parameter] public double Y { get; set; }
    /// <summary>CSS class.</summary>
    [Parameter] public string? Class { get; set; }
    /// <summary>start, middle or end.</summary>
    [Parameter] public string? Anchor { get; set; }
    /// <summary>The text shown.</summary>
    [Parameter] public string? Text { get; set; }

    /// <inheritdoc />
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "text");
        builder.AddAttribute(1, "class", Class);
        builder.AddAttribute(2, "x", ChartMath.N(X));
        builder.AddAttribute(3, "y", ChartMath.N(Y));
        builder.AddAttribute(4, "text-anchor", Anchor);
        builder.AddContent(5, Text);
        builder.CloseElement();
    }
}
