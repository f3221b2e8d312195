using Microsoft.Extensions.Options;
using OaiRouter.Actors.Records;
using OaiRouter.Host.Config;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace OaiRouter.Host.Logging;

internal static class LoggingSetup
{
    /// <summary>
    /// Console for people, one JSON object per line in LOG_FILE_PATH for machines, rolled by size.
    /// Both go through the redactor, and through a background queue so requests never wait on the disk.
    /// </summary>
    public static WebApplicationBuilder AddRouterLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, log) =>
        {
            var router = services.GetRequiredService<IOptions<RouterOptions>>().Value;
            var redactor = services.GetRequiredService<SecretRedactor>();
            var console = new RedactingFormatter(
                new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"),
                redactor);
            var json = new RedactingFormatter(new CompactJsonFormatter(), redactor);
            log.MinimumLevel.Is(router.ConsoleLogLevel < LogEventLevel.Information ? router.ConsoleLogLevel : LogEventLevel.Information)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .WriteTo.Async(a => a.Console(console, restrictedToMinimumLevel: router.ConsoleLogLevel), bufferSize: 10_000)
                .WriteTo.Async(a => a.File(json, router.LogFilePath,
                    fileSizeLimitBytes: router.LogFileMaxBytes,
                    rollOnFileSizeLimit: true,
                    retainedFileCountLimit: router.LogFileCount,
                    buffered: true,
                    flushToDiskInterval: TimeSpan.FromSeconds(1)), bufferSize: 50_000, blockWhenFull: false);
        }, preserveStaticLogger: true); // each host its own logger (tests run several in one process)
        return builder;
    }
}
