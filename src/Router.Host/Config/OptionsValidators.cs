using Microsoft.Extensions.Options;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Tracking.Storage;

namespace OaiRouter.Host.Config;

/// <summary>Fails start-up with a message that names the environment setting at fault.</summary>
internal sealed class OpenRouterOptionsValidator : IValidateOptions<OpenRouterOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenRouterOptions o)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors.Add($"OPENROUTER_BASE_URL must be an absolute http(s) URL, not '{o.BaseUrl}'.");
        }
        if (string.IsNullOrWhiteSpace(o.DefaultTextModel))
        {
            errors.Add("DEFAULT_TEXT_MODEL must not be empty.");
        }
        if (string.IsNullOrWhiteSpace(o.VisionModel))
        {
            errors.Add("VISION_MODEL must not be empty.");
        }
        if (!(o.TimeoutSeconds > 0))
        {
            errors.Add("UPSTREAM_TIMEOUT_SECONDS must be a positive number of seconds.");
        }
        if (o.MaxAttempts is < 1 or > 10)
        {
            errors.Add("UPSTREAM_MAX_ATTEMPTS must be a whole number from 1 to 10.");
        }
        if (!(o.ModelsCacheSeconds >= 0))
        {
            errors.Add("MODELS_CACHE_SECONDS must be zero or a positive number of seconds.");
        }
        if (!(o.RetryBaseDelaySeconds >= 0) || !(o.MaxRetryAfterSeconds >= 0))
        {
            errors.Add("OpenRouter:RetryBaseDelaySeconds and OpenRouter:MaxRetryAfterSeconds must not be negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Fails start-up with a message that names the environment setting at fault.</summary>
internal sealed class RouterOptionsValidator : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions o)
    {
        var errors = new List<string>();
        if (o.MaxRequestBodyBytes <= 0)
        {
            errors.Add("MAX_REQUEST_BODY_BYTES must be a positive whole number of bytes.");
        }
        if (string.IsNullOrWhiteSpace(o.LogFilePath))
        {
            errors.Add("LOG_FILE_PATH must not be empty.");
        }
        if (o.LogFileMaxBytes < 1024)
        {
            errors.Add("LOG_FILE_MAX_BYTES must be a whole number of at least 1024 bytes.");
        }
        if (o.LogFileCount < 1)
        {
            errors.Add("LOG_FILE_COUNT must be a whole number of at least 1.");
        }
        if (!DatabaseUrl.TryParse(o.DatabaseUrl, Directory.GetCurrentDirectory(), out _, out var dbError))
        {
            errors.Add(dbError);
        }
        if (!(o.ShutdownTimeoutSeconds > 0))
        {
            errors.Add("SHUTDOWN_TIMEOUT_SECONDS must be a positive number of seconds.");
        }
        if (o.BodyRetentionDays < 1)
        {
            errors.Add("BODY_RETENTION_DAYS must be a whole number of days, at least 1.");
        }
        if (o.MetadataRetentionDays < o.BodyRetentionDays)
        {
            errors.Add("METADATA_RETENTION_DAYS must be a whole number of days, at least BODY_RETENTION_DAYS.");
        }
        if (!Enum.IsDefined(o.ConsoleLogLevel))
        {
            errors.Add("CONSOLE_LOG_LEVEL must be one of Verbose, Debug, Information, Warning, Error, Fatal.");
        }
        if (o.ApiKeys.Any(k => k.Length < 8))
        {
            errors.Add("ROUTER_API_KEYS: every client key must be at least 8 characters long.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Fails start-up with a message that names the environment setting at fault.</summary>
internal sealed class RecordOptionsValidator : IValidateOptions<OaiRouter.Actors.Records.RecordOptions>
{
    public ValidateOptionsResult Validate(string? name, OaiRouter.Actors.Records.RecordOptions o) =>
        o.BodyMaxBytes >= 1024
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("RECORD_BODY_MAX_BYTES must be a whole number of at least 1024 bytes.");
}
