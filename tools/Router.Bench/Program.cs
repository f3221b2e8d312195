using OaiRouter.Bench;

// Router.Bench run --router <dir> --fake <dir> --yarp <dir> --work <dir> [--portkey <dir>] [--seed <dir>]
//                  [--out docs/benchmarks.md] [--commit <text>] [--quick] [--skip-ui] [--skip-media]
// Router.Bench media --work <dir> [--runs 5]
// scripts/bench.sh builds everything and calls "run"; see docs/benchmarks.md.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("Router.Bench run --router DIR --fake DIR --yarp DIR --work DIR [--portkey DIR] [--seed DIR] [--out FILE] [--commit TEXT] [--quick] [--skip-ui] [--skip-media]");
    Console.WriteLine("Router.Bench media --work DIR [--runs N]");
    return args.Length == 0 ? 2 : 0;
}

var named = new Dictionary<string, string>(StringComparer.Ordinal);
var flags = new HashSet<string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (args[i] is "--quick" or "--skip-ui" or "--skip-media")
    {
        flags.Add(args[i]);
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        named[args[i]] = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"unknown argument '{args[i]}'; try --help");
        return 2;
    }
}

string Need(string name) => named.TryGetValue(name, out var v) ? Path.GetFullPath(v) : throw new ArgumentException($"{name} is required");
string? Optional(string name) => named.TryGetValue(name, out var v) && v.Length > 0 ? Path.GetFullPath(v) : null;

try
{
    switch (args[0])
    {
        case "run":
            var plan = new Plan
            {
                RouterDir = Need("--router"),
                FakeDir = Need("--fake"),
                YarpDir = Need("--yarp"),
                WorkDir = Need("--work"),
                PortkeyDir = Optional("--portkey"),
                SeedDir = Optional("--seed"),
                OutPath = Optional("--out"),
                Commit = named.GetValueOrDefault("--commit", "unknown"),
                Quick = flags.Contains("--quick"),
                SkipUi = flags.Contains("--skip-ui"),
                SkipMedia = flags.Contains("--skip-media"),
            };
            Directory.CreateDirectory(plan.WorkDir);
            return await new Runner(plan, Console.Out).RunAsync();

        case "media":
            var work = Need("--work");
            Directory.CreateDirectory(work);
            var runs = int.Parse(named.GetValueOrDefault("--runs", "5"), System.Globalization.CultureInfo.InvariantCulture);
            var media = await MediaBench.RunAsync(work, runs, Console.Out);
            Console.WriteLine(media);
            return 0;

        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'; try --help");
            return 2;
    }
}
finally
{
    Child.KillAll();
}
