using System.Globalization;
using OaiRouter.Seed;

// dotnet run --project tools/Router.Seed -- --db <path> --rows N [--days 30] [--seed 1]
// dotnet run --project tools/Router.Seed -- --db <path> --bench [--runs 7] [--explain] [--only <name part>]
string? db = null;
long rows = 0;
var days = 30.0;
var seed = 1;
var bench = false;
var explain = false;
var runs = 7;
string? only = null;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--db": db = Value(); break;
        case "--rows": rows = long.Parse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture); break;
        case "--days": days = double.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--bench": bench = true; break;
        case "--explain": explain = true; break;
        case "--only": only = Value(); break;
        case "-h" or "--help":
            Console.WriteLine("Router.Seed --db <path> [--rows N] [--days 30] [--seed 1] [--bench [--runs 7] [--explain] [--only <name part>]]");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Try --help.");
            return 2;
    }
}
if (db is null || (rows <= 0 && !bench))
{
    Console.Error.WriteLine("Give --db <path> and --rows N (to seed) and/or --bench (to time the queries).");
    return 2;
}

if (rows > 0)
{
    Console.WriteLine($"seeding {rows:N0} rows over {days} days into {db}");
    var took = await Seeder.SeedAsync(db, rows, seed, TimeSpan.FromDays(days), Console.Out);
    Console.WriteLine($"seeded in {took.TotalSeconds:F1} s");
}
return bench ? await Bench.RunAsync(db, Math.Max(runs, 1), explain, only, Console.Out) : 0;
