using OaiRouter.Actors.Records;
using Serilog.Events;
using Serilog.Formatting;

namespace OaiRouter.Host.Logging;

/// <summary>
/// Wraps a sink's formatter so each line passes <see cref="SecretRedactor"/> before it is written:
/// whatever a message or property carries, no secret reaches a log file or the console.
/// </summary>
internal sealed class RedactingFormatter(ITextFormatter inner, SecretRedactor redactor) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var line = new StringWriter();
        inner.Format(logEvent, line);
        output.Write(redactor.Redact(line.ToString()));
    }
}
