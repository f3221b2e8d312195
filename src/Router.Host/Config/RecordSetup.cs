using OaiRouter.Actors.Forwarding;
using OaiRouter.Actors.Ledger;
using OaiRouter.Tracking.Queries;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Host.Config;

/// <summary>Where the record lives: the Ledger's settings from the seed's names, checked before anything starts.</summary>
internal static class RecordSetup
{
    /// <summary>
    /// Builds the Ledger's settings from DATABASE_URL and friends and makes sure the database can be
    /// opened and written; otherwise start-up stops here with a message naming DATABASE_URL.
    /// </summary>
    public static LedgerSettings LedgerSettingsFrom(IConfiguration configuration)
    {
        var router = new RouterOptions();
        var openRouter = new OpenRouterOptions();
        SeedSettings.Apply(configuration, router);
        SeedSettings.Apply(configuration, openRouter);

        if (!DatabaseUrl.TryParse(router.DatabaseUrl, Directory.GetCurrentDirectory(), out _, out var error))
        {
            throw new InvalidOperationException(error);
        }
        var connectionString = DatabaseUrl.ToConnectionString(router.DatabaseUrl, Directory.GetCurrentDirectory());
        LedgerDatabase.EnsureWritable(connectionString);
        // The UI's indexes are built now, not under the first operator's page load.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString))
        {
            connection.Open();
            TrackingIndexes.EnsureAsync(connection).GetAwaiter().GetResult();
        }

        return new LedgerSettings
        {
            ConnectionString = connectionString,
            OpenRouterBaseUrl = openRouter.BaseUrl,
            OpenRouterApiKey = openRouter.HasApiKey ? openRouter.ApiKey : null,
            BodyRetentionDays = router.BodyRetentionDays,
            MetadataRetentionDays = router.MetadataRetentionDays,
        };
    }
}
