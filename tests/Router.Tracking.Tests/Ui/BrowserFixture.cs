using Microsoft.Playwright;
using OaiRouter.Tracking.Tests.Queries;
using OaiRouter.Tracking.Ui;

namespace OaiRouter.Tracking.Tests.Ui;

/// <summary>
/// One seeded database, the UI on two real Kestrels (open, and locked by a key) and Debian's
/// Chromium driven by Playwright, shared by the browser tests of a class.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Key = "sk-ui-browser-test-key";
    public const string ScriptText = "<script>alert('owned')</script> please summarise";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public TrackingDb Db { get; } = new();

    public TrackingUiHost Open { get; private set; } = null!;

    public TrackingUiHost Locked { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var start = now - (long)TimeSpan.FromHours(40).TotalMilliseconds;
        Db.Insert(TrackingDb.Mixed(150, seed: 11, start: start, spreadMinutes: 40 * 60));
        Db.Insert(
            new TestRow
            {
                RequestId = "req_script_row",
                ReceivedAt = now - 60_000,
                ModelRequested = "anthropic/claude-3.5-sonnet",
                ModelAnswered = "anthropic/claude-3.5-sonnet-20241022",
                RequestText = ScriptText,
                RequestBody = $$"""{"model":"anthropic/claude-3.5-sonnet","messages":[{"role":"user","content":"{{ScriptText.Replace("'", "\\u0027", StringComparison.Ordinal)}}"}],"stream":false}""",
                ResponseText = "Sure: zebra crossing",
                ResponseBody = """{"id":"gen-1","choices":[{"index":0,"message":{"role":"assistant","content":"Sure: zebra crossing"},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":5,"total_tokens":26,"cost":0.000312}}""",
                GenerationId = "gen-1",
                CostUsd = 0.000312,
                CostSource = "response",
                TotalTokens = 26,
                PromptTokens = 21,
                CompletionTokens = 5,
                MediaJson = """[{"kind":"image","media_type":"image/png","size":48213,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]""",
            });
        Open = await TrackingUiHost.StartAsync(new TrackingUiOptions { ConnectionString = Db.ConnectionString, PageSize = 25 });
        Locked = await TrackingUiHost.StartAsync(new TrackingUiOptions { ConnectionString = Db.ConnectionString, ApiKeys = [Key] });

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 30_000,
        });
    }

    /// <summary>A fresh context (no shared cookies or credentials) with bounded waits.</summary>
    public async Task<IPage> NewPageAsync(HttpCredentials? credentials = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
            HttpCredentials = credentials,
        });
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(10_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        Playwright?.Dispose();
        if (Open is not null)
        {
            await Open.DisposeAsync();
        }
        if (Locked is not null)
        {
            await Locked.DisposeAsync();
        }
        Db.Dispose();
    }
}
