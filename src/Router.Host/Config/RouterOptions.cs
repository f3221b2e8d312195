
namespace OaiRouter.Host.Config;

/// <summary>The router's own settings (the HTTP edge, storage paths, shutdown).</summary>
public sealed class RouterOptions
{
    public const string Section = "Router";

    /// <summary><c>ROUTER_API_KEYS</c>: client keys; empty means the API is open.</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary><c>MAX_REQUEST_BODY_BYTES</c>: larger bodies get 413 without being read.</summary>
    public long MaxRequestBodyBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary><c>LOG_FILE_PATH</c>: the JSON log.</summary>
    public string LogFilePath { get; set; } = "router.log.json";

    /// <summary><c>LOG_FILE_MAX_BYTES</c>: the JSON log rolls over at this size.</summary>
    public long LogFileMaxBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary><c>LOG_FILE_COUNT</c>: rolled files kept beside the log.</summary>
    public int LogFileCount { get; set; } = 5;

    /// <summary><c>DATABASE_URL</c>, in the seed's SQLAlchemy form.</summary>
    public string DatabaseUrl { get; set; } = OaiRouter.Tracking.Storage.DatabaseUrl.Default;

    /// <summary><c>BODY_RETENTION_DAYS</c>: request and response bodies are cleared from the record after this.</summary>
    public int BodyRetentionDays { get; set; } = 30;

    /// <summary><c>METADATA_RETENTION_DAYS</c>: whole request rows are deleted after this.</summary>
    public int MetadataRetentionDays { get; set; } = 365;

    /// <summary><c>CONSOLE_LOG_LEVEL</c>: the console's threshold (the JSON file keeps Information and up).</summary>
    public Serilog.Events.LogEventLevel ConsoleLogLevel { get; set; } = Serilog.Events.LogEventLevel.Information;

    /// <summary><c>SHUTDOWN_TIMEOUT_SECONDS</c>: how long SIGTERM waits for in-flight requests.</summary>
    public double ShutdownTimeoutSeconds { get; set; } = 30;
}
