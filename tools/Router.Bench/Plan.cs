namespace OaiRouter.Bench;

/// <summary>Where everything is, and how long each part runs.</summary>
internal sealed record Plan
{
    public required string RouterDir { get; init; }
    public required string FakeDir { get; init; }
    public required string YarpDir { get; init; }

    /// <summary>Folder holding node_modules/@portkey-ai/gateway; null when Portkey could not be installed.</summary>
    public string? PortkeyDir { get; init; }

    /// <summary>Published Router.Seed; null when tools/Router.Seed is not there.</summary>
    public string? SeedDir { get; init; }

    public required string WorkDir { get; init; }
    public string? OutPath { get; init; }
    public string Commit { get; init; } = "unknown";
    public bool Quick { get; init; }
    public bool SkipUi { get; init; }
    public bool SkipMedia { get; init; }

    public int Rounds => Quick ? 1 : 2;
    public int WarmupSeconds => Quick ? 3 : 5;
    public int LatencySeconds => Quick ? 5 : 8;
    public int LoadSeconds => Quick ? 5 : 8;
    public int StreamSeconds => Quick ? 4 : 6;
    public int SettleSeconds => Quick ? 5 : 10;
    public int KillAfterSeconds => Quick ? 3 : 5;
    public int MediaRuns => Quick ? 3 : 5;

    /// <summary>How long to wait, after a load run on the router, for its record to catch up.</summary>
    public int DrainLimitSeconds => Quick ? 10 : 20;
    public long[] UiRows => Quick ? [100_000] : [100_000, 1_000_000];

    public string Mode => Quick ? "quick" : "full";
}
