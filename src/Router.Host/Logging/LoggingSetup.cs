using Microsoft.Extensions.Options;
using OaiRouter.Host.Config;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace OaiRouter.Host.Logging;

internal static class LoggingSetup
{
    /// <summary>Console for people, one JSON object per line in LOG_FILE_PATH for machines, rolled by size.</summary>
    public static WebApplicationBuilder AddRouterLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, log) =>
        {
            var router = services.GetRequiredService<IOptions<RouterOptions>>().Value;
            log.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
                .WriteTo.File(new CompactJsonFormatter(), router.LogFilePath,
                    fileSizeLimitBytes: router.LogFileMaxBytes,
                    rollOnFileSizeLimit: true,
                    retainedFileCountLimit: router.LogFileCount,
                    buffered: false);
        });
        return builder;
    }
}
