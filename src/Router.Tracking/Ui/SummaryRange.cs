using Microsoft.AspNetCore.Http;
using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Ui;

/// <summary>The summary's time range: a preset (<c>range=24h|7d|30d|90d</c>) or <c>from</c>/<c>to</c>.</summary>
public sealed record SummaryRange(DateTimeOffset From, DateTimeOffset To, string? Preset)
{
    /// <summary>The presets offered, in order.</summary>
    public static readonly IReadOnlyList<(string Name, string Label, TimeSpan Span)> Presets =
    [
        ("24h", "24 hours", TimeSpan.FromDays(1)),
        ("7d", "7 days", TimeSpan.FromDays(7)),
        ("30d", "30 days", TimeSpan.FromDays(30)),
        ("90d", "90 days", TimeSpan.FromDays(90)),
    ];

    /// <summary>Reads the range from the URL; with none, the last <paramref name="fallback"/> up to now.</summary>
    public static SummaryRange FromQuery(IQueryCollection query, DateTimeOffset now, TimeSpan fallback)
    {
        var from = RequestQuery.ParseTime(query["from"]);
        var to = RequestQuery.ParseTime(query["to"]);
        if (from is not null || to is not null)
        {
            var end = to ?? now;
            var start = from ?? end - fallback;
            return start <= end ? new SummaryRange(start, end, null) : new SummaryRange(end, start, null);
        }
        // Presets end on the next whole minute, so a minute's views share one cached summary.
        var minute = new DateTimeOffset(now.UtcDateTime.Ticks - now.UtcDateTime.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(1);
        var preset = Presets.FirstOrDefault(p => string.Equals(p.Name, query["range"], StringComparison.OrdinalIgnoreCase));
        return preset.Name is null
            ? new SummaryRange(minute - fallback, minute, Presets.FirstOrDefault(p => p.Span == fallback).Name)
            : new SummaryRange(minute - preset.Span, minute, preset.Name);
    }

    /// <summary>The request list over the same range, optionally narrowed to one model.</summary>
    public string ListUrl(string? model = null) => TrackingUiExtensions.BasePath + new RequestQuery
    {
        From = Floor(From),
        To = Preset is null ? To : null,
        Model = string.IsNullOrEmpty(model) ? null : model,
    }.ToQueryString();

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);
}
