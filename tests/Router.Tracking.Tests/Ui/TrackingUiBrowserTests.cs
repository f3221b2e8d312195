using System.Globalization;
using Microsoft.Playwright;

namespace OaiRouter.Tracking.Tests.Ui;

/// <summary>The UI in Debian's Chromium: list, filter, sort, page, search, detail, summary, access.</summary>
public sealed class TrackingUiBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Timeout = 30_000;

    private string Url(string path) => new Uri(fixture.Open.Address, path).ToString();

    private static ILocator Rows(IPage page) => page.Locator("table.requests tbody tr");

    private static async Task<List<string>> ColumnTexts(IPage page, int column) =>
        [.. (await page.Locator($"table.requests tbody tr td:nth-child({column})").AllInnerTextsAsync()).Select(t => t.Trim())];

    [Fact(Timeout = Timeout)]
    public async Task List_LoadsWithTheCsp_AndLooksRight()
    {
        var page = await fixture.NewPageAsync();
        var response = await page.GotoAsync(Url("/ui/tracking"));

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.Contains("default-src 'self'", response.Headers["content-security-policy"]);
        Assert.Equal(25, await Rows(page).CountAsync());
        // The stylesheet loaded under the CSP: the top bar is laid out as flex.
        Assert.Equal("flex", await page.Locator(".topbar").EvaluateAsync<string>("e => getComputedStyle(e).display"));
        var times = await ColumnTexts(page, 1);
        Assert.Equal(times.OrderByDescending(t => t, StringComparer.Ordinal), times);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/ui-list.png", FullPage = true });
    }

    [Fact(Timeout = Timeout)]
    public async Task Filter_ByModelAndStatus_KeepsStateInTheUrl()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(Url("/ui/tracking"));

        await page.SelectOptionAsync("select[name=model]", "anthropic/claude-3.5-sonnet");
        await page.SelectOptionAsync("select[name=status]", "200");
        await page.ClickAsync("button:text-is('Apply')");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("model=anthropic/claude-3.5-sonnet&status=200$"));

        var models = await ColumnTexts(page, 2);
        Assert.NotEmpty(models);
        Assert.All(models, m => Assert.StartsWith("anthropic/claude-3.5-sonnet", m));
        Assert.All(await ColumnTexts(page, 4), s => Assert.Equal("200", s));
        // Reloading the URL gives the same view, form included.
        await page.ReloadAsync();
        Assert.Equal("anthropic/claude-3.5-sonnet", await page.InputValueAsync("select[name=model]"));
        Assert.Equal(models, await ColumnTexts(page, 2));
    }

    [Fact(Timeout = Timeout)]
    public async Task Sort_ByCost_ClickingFlipsTheDirection()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(Url("/ui/tracking"));

        await page.ClickAsync("th a[data-sort=cost]");
        await page.WaitForURLAsync("**sort=cost&dir=desc");
        var descending = Costs(await ColumnTexts(page, 6));
        await page.ClickAsync("th a[data-sort=cost]");
        await page.WaitForURLAsync("**sort=cost&dir=asc");
        var ascending = Costs(await ColumnTexts(page, 6));

        Assert.Equal(descending.OrderDescending(), descending);
        Assert.Equal(ascending.Order(), ascending);
        Assert.True(descending[0] > ascending[^1] || ascending.All(c => c == descending[0]));
        Assert.Equal("ascending", await page.Locator("th[aria-sort]").GetAttributeAsync("aria-sort"));
    }

    private static List<double> Costs(IEnumerable<string> cells) =>
        [.. cells.Select(c => c == "—" ? -1 : double.Parse(c.TrimStart('$'), CultureInfo.InvariantCulture))];

    [Fact(Timeout = Timeout)]
    public async Task Page_NextAndPrevious_WalkWithoutGapsOrRepeats()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(Url("/ui/tracking"));
        var seen = new List<string>();
        var first = await IdsAsync(page);
        seen.AddRange(first);

        for (var i = 0; i < 10 && await page.Locator("a[rel=next]").CountAsync() > 0; i++)
        {
            await FollowAsync(page, "a[rel=next]");
            Assert.Contains("after=", page.Url);
            seen.AddRange(await IdsAsync(page));
        }
        Assert.Equal(fixture.Db.Rows.Count, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());

        // Back to the start with Previous.
        while (await page.Locator("a[rel=prev]").CountAsync() > 0)
        {
            await FollowAsync(page, "a[rel=prev]");
        }
        Assert.Equal(first, await IdsAsync(page));
    }

    /// <summary>Clicks a link and waits for the page it leads to (every page link has its own URL).</summary>
    private static async Task FollowAsync(IPage page, string selector)
    {
        var href = new Uri(new Uri(page.Url), await page.GetAttributeAsync(selector, "href")).ToString();
        await page.ClickAsync(selector);
        await page.WaitForURLAsync(url => url == href);
    }

    private static async Task<List<string>> IdsAsync(IPage page) =>
        [.. await Rows(page).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.requestId)")];

    [Fact(Timeout = Timeout)]
    public async Task Search_FindsTheResponseText_AndTheScriptShowsAsText()
    {
        var page = await fixture.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await page.GotoAsync(Url("/ui/tracking"));

        await page.FillAsync("input[name=q]", "zebra");
        await page.PressAsync("input[name=q]", "Enter");
        await page.WaitForURLAsync("**q=zebra");

        Assert.Equal(["req_script_row"], await IdsAsync(page));

        await page.ClickAsync("table.requests tbody tr td.time a");
        await page.WaitForURLAsync("**/ui/tracking/requests/req_script_row");
        var body = await page.InnerTextAsync("#request-body");
        Assert.Contains("<script>alert('owned')</script>", body);
        Assert.Contains("\n  \"messages\": [", body);
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Equal(0, dialogs);

        var text = await page.InnerTextAsync("main");
        Assert.Contains("gen-1", text);
        Assert.Contains("$0.000312", text);
        Assert.Contains("usage.cost in the answer", text);
        Assert.Contains("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", await page.InnerTextAsync("#media"));
        Assert.Contains("anthropic/claude-3.5-sonnet-20241022", text);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/ui-detail.png", FullPage = true });
    }

    [Fact(Timeout = Timeout)]
    public async Task Summary_DrawsChartsWithoutScript()
    {
        var page = await fixture.NewPageAsync();
        var response = await page.GotoAsync(Url("/ui/tracking/summary?range=7d"));

        Assert.Equal(200, response!.Status);
        Assert.Contains("script-src 'none'", response.Headers["content-security-policy"]);
        Assert.Equal(fixture.Db.Rows.Count.ToString("#,0", CultureInfo.InvariantCulture), (await page.InnerTextAsync("#kpi-requests")).Trim());
        Assert.Equal(4, await page.Locator("figure.chart svg[role=img]").CountAsync());
        // 40 hours of traffic: two or three days of bars; four models of cost.
        Assert.InRange(await page.Locator("figure.chart > svg rect.bar-primary").CountAsync(), 2, 3);
        Assert.True(await page.Locator("figure.chart > svg rect.bar-money").CountAsync() >= 6);

        await page.ClickAsync("a.chip:text-is('24 hours')");
        await page.WaitForURLAsync("**range=24h");
        Assert.True(await page.Locator("figure.chart > svg rect.bar-primary").CountAsync() > 15);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/ui-summary.png", FullPage = true });
    }

    [Fact(Timeout = Timeout)]
    public async Task Locked_Is401WithoutCredentials_AndOpensWithBasic()
    {
        var url = new Uri(fixture.Locked.Address, "/ui/tracking").ToString();

        var refused = await RefusedAsync(await fixture.NewPageAsync(), url);
        Assert.Equal("Basic realm=\"OaiRouter\"", refused.Headers["www-authenticate"]);
        await RefusedAsync(await fixture.NewPageAsync(new HttpCredentials { Username = "ops", Password = "not-the-key" }), url);

        var page = await fixture.NewPageAsync(new HttpCredentials { Username = "ops", Password = BrowserFixture.Key });
        var allowed = await page.GotoAsync(url);
        Assert.Equal(200, allowed!.Status);
        Assert.Equal(50, await Rows(page).CountAsync());
        await page.ClickAsync("nav a:text-is('Summary')");
        await page.WaitForURLAsync("**/ui/tracking/summary");
        Assert.Equal(4, await page.Locator("figure.chart").CountAsync());
    }

    /// <summary>
    /// Every answer is a 401. Headless Chromium has no one to ask for a password, so it either
    /// shows the 401 or gives up with ERR_INVALID_AUTH_CREDENTIALS; both count as refused.
    /// </summary>
    private static async Task<IResponse> RefusedAsync(IPage page, string url)
    {
        var responses = new List<IResponse>();
        page.Response += (_, r) => responses.Add(r);
        try
        {
            await page.GotoAsync(url);
            Assert.Equal(0, await Rows(page).CountAsync());
        }
        catch (PlaywrightException e) when (e.Message.Contains("ERR_INVALID_AUTH_CREDENTIALS", StringComparison.Ordinal))
        {
        }
        Assert.NotEmpty(responses);
        Assert.All(responses, r => Assert.Equal(401, r.Status));
        return responses[0];
    }
}
