using System.Globalization;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

// The benchmark's floor for a .NET proxy: forwards /v1/{**catch-all} to <upstream>/{**catch-all} and swaps the
// client's Authorization header for the upstream key. Nothing else: no parsing, no logging, no record.
//
//   Router.YarpPassthrough --port 9200 --upstream http://127.0.0.1:9100/api/v1 [--key sk-...]
var port = 0;
string? upstream = null;
var key = Environment.GetEnvironmentVariable("OPENROUTER_API_KEY") ?? "sk-bench";
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": port = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--upstream": upstream = Value(); break;
        case "--key": key = Value(); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: Router.YarpPassthrough --port N --upstream <base url> [--key K]");
            return 2;
    }
}
if (upstream is null)
{
    Console.Error.WriteLine("give --upstream <base url>, e.g. http://127.0.0.1:9100/api/v1");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"));

var destination = upstream.TrimEnd('/') + "/";
var route = new RouteConfig
{
    RouteId = "v1",
    ClusterId = "upstream",
    Match = new RouteMatch { Path = "/v1/{**catch-all}" },
};
var cluster = new ClusterConfig
{
    ClusterId = "upstream",
    Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
    {
        ["fake"] = new DestinationConfig { Address = destination },
    },
};
var authorization = "Bearer " + key;
builder.Services.AddReverseProxy()
    .LoadFromMemory([route], [cluster])
    .AddTransforms(context =>
    {
        context.AddPathRemovePrefix("/v1");
        context.AddRequestTransform(transform =>
        {
            transform.ProxyRequest.Headers.Remove("Authorization");
            transform.ProxyRequest.Headers.TryAddWithoutValidation("Authorization", authorization);
            return ValueTask.CompletedTask;
        });
    });

var app = builder.Build();
app.MapReverseProxy();
await app.StartAsync();
var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
    .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
Console.WriteLine("listening on " + addresses.First());
await app.WaitForShutdownAsync();
return 0;
