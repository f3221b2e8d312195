using Microsoft.AspNetCore.Http;

namespace OaiRouter.Tracking.Ui;

/// <summary>Settings of the tracking UI at <c>/ui/tracking</c>.</summary>
public sealed class TrackingUiOptions
{
    /// <summary>The SQLite connection string of the database that holds the <c>requests</c> table.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The keys accepted (the router's client keys). Empty with no <see cref="Authorize"/>: the UI
    /// is open. Otherwise a request needs <c>Authorization: Bearer &lt;key&gt;</c> or HTTP Basic
    /// with a key as the password (any user name).
    /// </summary>
    public IReadOnlyList<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// An extra gate, asked when no key matched (or none is configured): true lets the request
    /// in. Null: only <see cref="ApiKeys"/> decide.
    /// </summary>
    public Func<HttpContext, bool>? Authorize { get; set; }

    /// <summary>Rows per page when the URL names no size.</summary>
    public int PageSize { get; set; } = 50;

    /// <summary>The summary's range when the URL names none.</summary>
    public TimeSpan SummaryRange { get; set; } = TimeSpan.FromDays(7);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("TrackingUiOptions.ConnectionString is empty: give the SQLite connection string of DATABASE_URL.");
        }
        if (PageSize is < 1 or > Queries.RequestQuery.MaxPageSize)
        {
            throw new ArgumentException($"TrackingUiOptions.PageSize must be between 1 and {Queries.RequestQuery.MaxPageSize}.");
        }
        if (ApiKeys.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("TrackingUiOptions.ApiKeys holds an empty key.");
        }
        if (SummaryRange <= TimeSpan.Zero)
        {
            throw new ArgumentException("TrackingUiOptions.SummaryRange must be positive.");
        }
    }
}
