using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OaiRouter.Tracking.Tests.Queries;
using OaiRouter.Tracking.Ui;

namespace OaiRouter.Tracking.Tests.Ui;

/// <summary>The UI over plain HTTP: access, headers, encoding, canonical URLs.</summary>
public sealed class TrackingUiHttpTests : IAsyncLifetime
{
    private const string Key = "sk-router-test-key-1";
    private readonly TrackingDb _db = new();
    private TrackingUiHost _open = null!;
    private TrackingUiHost _locked = null!;

    public async Task InitializeAsync()
    {
        _db.Insert(TrackingDb.Mixed(40));
        _db.Insert(
            new TestRow { Outcome = "failed", Status = 502, ErrorType = "upstream_error" },
            new TestRow { Outcome = "cancelled", Status = 499, ErrorType = "upstream_error" },
            new TestRow { Outcome = "received", Status = null, LatencyMs = null });
        _db.Insert(new TestRow
        {
            RequestId = "req_script",
            RequestText = "<script>alert('owned')</script>",
            RequestBody = """{"messages":[{"role":"user","content":"<script>alert('owned')</script>"}]}""",
            ModelRequested = "<b>model</b>",
        });
        _open = await TrackingUiHost.StartAsync(new TrackingUiOptions { ConnectionString = _db.ConnectionString });
        _locked = await TrackingUiHost.StartAsync(new TrackingUiOptions { ConnectionString = _db.ConnectionString, ApiKeys = ["other-key-0000", Key] });
    }

    public async Task DisposeAsync()
    {
        await _open.DisposeAsync();
        await _locked.DisposeAsync();
        _db.Dispose();
    }

    public static TheoryData<string> Pages => ["/ui/tracking", "/ui/tracking/summary", "/ui/tracking/requests/req_script", "/ui/tracking/requests/nope"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryPage_CarriesTheCsp_AndHasNoScriptOrInlineStyle(string path)
    {
        using var client = _open.Client();
        using var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(path.EndsWith("nope", StringComparison.Ordinal) ? HttpStatusCode.NotFound : HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'none'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.Contains("nosniff", response.Headers.GetValues("X-Content-Type-Options"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart());
    }

    [Fact]
    public async Task Data_IsHtmlEncoded()
    {
        using var client = _open.Client();
        var detail = await client.GetStringAsync("/ui/tracking/requests/req_script");
        var list = await client.GetStringAsync("/ui/tracking?q=owned");

        Assert.Contains("&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;", detail);
        Assert.Contains("&lt;b&gt;model&lt;/b&gt;", list);
        Assert.DoesNotContain("<b>model</b>", list);
    }

    [Fact]
    public async Task List_ShowsStatusBadgesByOutcome()
    {
        using var client = _open.Client();
        var html = await client.GetStringAsync("/ui/tracking?size=500");

        Assert.Contains("<span class=\"badge badge-info\" title=\"received\">pending</span>", html);
        Assert.Contains("<span class=\"badge badge-muted\" title=\"upstream_error\">499</span>", html);
        Assert.Contains("<span class=\"badge badge-bad\" title=\"upstream_error\">502</span>", html);
        Assert.Contains("<span class=\"badge badge-ok\" title=\"completed\">200</span>", html);
    }

    [Fact]
    public async Task Locked_WithoutCredentials_Is401WithABasicChallenge()
    {
        using var client = _locked.Client();
        using var response = await client.GetAsync("/ui/tracking");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Equal("realm=\"OaiRouter\"", challenge.Parameter);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("req_script", await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string, string, HttpStatusCode> Credentials => new()
    {
        { "Bearer", Key, HttpStatusCode.OK },
        { "Bearer", "wrong", HttpStatusCode.Unauthorized },
        { "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + Key)), HttpStatusCode.OK },
        { "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + Key)), HttpStatusCode.OK },
        { "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pass:" + Key)), HttpStatusCode.Unauthorized },
        { "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":")), HttpStatusCode.Unauthorized },
        { "Basic", "!!not-base64!!", HttpStatusCode.Unauthorized },
        { "Digest", Key, HttpStatusCode.Unauthorized },
    };

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task Locked_AcceptsAKeyAsBearerOrBasicPassword(string scheme, string parameter, HttpStatusCode expected)
    {
        using var client = _locked.Client();
        foreach (var path in new[] { "/ui/tracking", "/ui/tracking/summary", "/ui/tracking/requests/req_script" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, parameter);
            using var response = await client.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Fact]
    public async Task Authorize_Callback_CanLetRequestsIn()
    {
        await using var host = await TrackingUiHost.StartAsync(new TrackingUiOptions
        {
            ConnectionString = _db.ConnectionString,
            ApiKeys = [Key],
            Authorize = http => http.Request.Headers["X-Test-User"] == "ops",
        });
        using var client = host.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ui/tracking");
        request.Headers.Add("X-Test-User", "ops");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/ui/tracking")).StatusCode);
    }

    [Fact]
    public async Task FormWithEmptyFields_RedirectsToTheCanonicalUrl()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _open.Address };
        using var response = await client.GetAsync("/ui/tracking?q=&model=openai%2Fgpt-4o-mini&status=&endpoint=&key=&from=&to=&size=50");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/tracking?model=openai/gpt-4o-mini", response.Headers.Location?.OriginalString);
        using var canonical = await client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, canonical.StatusCode);
    }

    [Fact]
    public async Task Stylesheet_IsServedWithCachingAndTheCsp()
    {
        using var client = _locked.Client();
        var page = await _open.Client().GetStringAsync("/ui/tracking");
        var href = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/ui/tracking/assets/tracking.css\\?v=[0-9a-f]+)\"").Groups[1].Value;

        using var response = await client.GetAsync(href);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains(".topbar", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/ui/tracking/assets/nope.css")).StatusCode);
    }

    [Fact]
    public void AddTrackingUi_RejectsBadOptions()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddTrackingUi(new TrackingUiOptions()));
        Assert.Throws<ArgumentException>(() => services.AddTrackingUi(new TrackingUiOptions { ConnectionString = "Data Source=x.db", PageSize = 0 }));
        Assert.Throws<ArgumentException>(() => services.AddTrackingUi(new TrackingUiOptions { ConnectionString = "Data Source=x.db", ApiKeys = [""] }));
    }
}
