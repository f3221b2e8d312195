namespace OaiRouter.Bench;

/// <summary>One load run against one target, with the CPU its process spent on it.</summary>
internal sealed record Run(WrkResult Wrk, double CpuSeconds)
{
    public double CpuMicrosPerRequest => Wrk.Requests > 0 ? CpuSeconds * 1e6 / Wrk.Requests : double.NaN;
}

/// <summary>Something the load is pointed at: the fake itself, YARP, the router or Portkey.</summary>
internal sealed class Target(string key, string title, string url, IReadOnlyDictionary<string, string> headers)
{
    public string Key { get; } = key;
    public string Title { get; } = title;
    public string Url { get; set; } = url;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;
    public Child? Process { get; set; }
    public string Script { get; set; } = "";

    public Dictionary<string, List<Run>> Runs { get; } = [];
    public List<StreamResult> Streams { get; } = [];
    public double RssIdle { get; set; } = double.NaN;
    public double RssPeak { get; set; } = double.NaN;
    public double RssAfter { get; set; } = double.NaN;

    public void Add(string phase, Run run)
    {
        if (!Runs.TryGetValue(phase, out var list))
        {
            Runs[phase] = list = [];
        }

        list.Add(run);
    }

    /// <summary>Requests per second over every round of <paramref name="phase"/>.</summary>
    public double Rps(string phase) => Runs.TryGetValue(phase, out var r) && r.Sum(x => x.Wrk.Seconds) > 0
        ? r.Sum(x => x.Wrk.Requests) / r.Sum(x => x.Wrk.Seconds)
        : double.NaN;

    public double P50(string phase) => Runs.TryGetValue(phase, out var r) ? Stats.Median(r.Select(x => x.Wrk.P50Ms)) : double.NaN;

    public double P99(string phase) => Runs.TryGetValue(phase, out var r) ? Stats.Median(r.Select(x => x.Wrk.P99Ms)) : double.NaN;

    /// <summary>CPU microseconds per request over every round of <paramref name="phase"/>.</summary>
    public double CpuPerRequest(string phase) => Runs.TryGetValue(phase, out var r) && r.Sum(x => x.Wrk.Requests) > 0
        ? r.Sum(x => x.CpuSeconds) * 1e6 / r.Sum(x => x.Wrk.Requests)
        : double.NaN;

    public long Errors(string phase) => Runs.TryGetValue(phase, out var r) ? r.Sum(x => x.Wrk.Non2xx + x.Wrk.SocketErrors) : 0;

    public double TtfbP50 => Stats.Median(Streams.Select(s => s.TtfbP50Ms));

    public double GapMean => Stats.Median(Streams.Select(s => s.GapMeanMs));

    public bool Available => Process is not null;
}
