using System.Globalization;
using OaiRouter.FakeOpenRouter;

// dotnet run --project tests/Router.FakeOpenRouter -- --port 9100
// Runs until Ctrl+C or SIGTERM. Requests are not recorded here: only an in-process test could read them.
var port = 0;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--port" && i + 1 < args.Length
        && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
    {
        port = parsed;
        i++;
    }
    else
    {
        Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: Router.FakeOpenRouter [--port <port>]");
        return 2;
    }
}

await using var server = await FakeOpenRouterServer.StartAsync(new FakeOpenRouterOptions { Port = port, RecordRequests = false }, default);
Console.WriteLine($"listening on {server.BaseUrl}");
await server.WaitForShutdownAsync();
return 0;
