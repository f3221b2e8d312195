using System.Text.Json;
using Microsoft.Data.Sqlite;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Media;

/// <summary>
/// One router with media switched on (private networks allowed, so loopback links are fetched; the Whisper test
/// stub as its model) and the media server its tests link to. Tests keep apart with unique markers and paths.
/// </summary>
public sealed class MediaRouterFixture : IAsyncLifetime
{
    public const string VisionModel = "test/vision-model";

    internal TestRouter Router { get; private set; } = null!;

    internal MediaFilesServer Files { get; private set; } = null!;

    internal string WorkDir { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Files = await MediaFilesServer.StartAsync();
        WorkDir = Path.Combine(Path.GetTempPath(), "oairouter-host-media", Guid.NewGuid().ToString("N"));
        Router = await TestRouter.StartAsync(MediaSettings.For(WorkDir));
    }

    public async Task DisposeAsync()
    {
        await Router.DisposeAsync();
        await Files.DisposeAsync();
        if (Directory.Exists(WorkDir))
        {
            Directory.Delete(WorkDir, recursive: true);
        }
    }
}

/// <summary>Settings and look-ups the media tests share.</summary>
internal static class MediaSettings
{
    /// <summary>Media on, cache and video work in <paramref name="folder"/>, the Whisper stub model, private links allowed.</summary>
    public static Dictionary<string, string?> For(string folder, bool allowPrivate = true) => new()
    {
        ["VISION_MODEL"] = MediaRouterFixture.VisionModel,
        ["MEDIA_ALLOW_PRIVATE_NETWORKS"] = allowPrivate ? "true" : "false",
        ["MEDIA_CACHE_DIR"] = Path.Combine(folder, "cache"),
        ["MEDIA_VIDEO_WORK_DIR"] = Path.Combine(folder, "work"),
        ["WHISPER_MODEL_PATH"] = WhisperStubModel,
        ["WHISPER_THREADS"] = "2",
    };

    /// <summary>whisper.cpp's test stub (loads and runs, hears nothing); see tests/Models/README.md.</summary>
    public static string WhisperStubModel { get; } = Path.Combine(AppContext.BaseDirectory, "Models", "for-tests-ggml-tiny.en.bin");

    /// <summary>The record of one request once it is finished, read from the router's SQLite ledger.</summary>
    public static async Task<LedgerRow> FinishedRowAsync(TestRouter router, string requestId)
    {
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(router.Directory, "oai_router.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                await using var db = new SqliteConnection(connection);
                await db.OpenAsync(bound.Token);
                await using var command = db.CreateCommand();
                command.CommandText = """
                    SELECT status, outcome, model_requested, model_routed, routing_reason, media_ms, media_json
                    FROM requests WHERE request_id = @id AND finished_at IS NOT NULL
                    """;
                command.Parameters.AddWithValue("@id", requestId);
                await using var reader = await command.ExecuteReaderAsync(bound.Token);
                if (await reader.ReadAsync(bound.Token))
                {
                    return new LedgerRow(
                        reader.GetInt32(0),
                        reader.GetString(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.IsDBNull(4) ? null : reader.GetString(4),
                        reader.IsDBNull(5) ? null : reader.GetDouble(5),
                        reader.IsDBNull(6) ? null : JsonDocument.Parse(reader.GetString(6)).RootElement.Clone());
                }
            }
            catch (SqliteException)
            {
                // The projection has not made the table yet.
            }

            await Task.Delay(50, bound.Token);
        }
    }

    /// <summary>Waits, with a bound, for the fake to have received a request containing <paramref name="marker"/>.</summary>
    public static IReadOnlyList<OaiRouter.FakeOpenRouter.ReceivedRequest> UpstreamWith(TestRouter router, string marker) =>
        [.. router.Fake.Requests.Where(r => r.Body.Contains(marker, StringComparison.Ordinal))];
}

/// <summary>The ledger columns the media tests look at.</summary>
internal sealed record LedgerRow(
    int Status, string Outcome, string? ModelRequested, string? ModelRouted, string? RoutingReason, double? MediaMs, JsonElement? Media);
