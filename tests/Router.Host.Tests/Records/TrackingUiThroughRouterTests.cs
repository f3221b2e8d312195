using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Records;

/// <summary>The UI as the router serves it: what went through /v1 can be found at /ui/tracking.</summary>
public sealed class TrackingUiThroughRouterTests
{
    private const string Key = "ui-client-key-000001";

    private static HttpRequestMessage Get(string path, string? basicPassword = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (basicPassword is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{basicPassword}")));
        }
        return request;
    }

    [Fact]
    public async Task RequestsThroughTheRouter_AreFoundInTheUi_BehindTheKeys()
    {
        await using var router = await TestRouter.StartAsync(new Dictionary<string, string?> { ["ROUTER_API_KEYS"] = Key });
        var marker = Guid.NewGuid().ToString("N");
        using var chat = await router.PostJsonAsync("v1/chat/completions",
            $$"""{"model":"test/ui","messages":[{"role":"user","content":"<script>alert(1)</script> {{marker}}"}]}""", Key);
        var id = chat.Headers.GetValues("X-Request-Id").Single();
        await RequestsTable.WaitForFinishedAsync(RequestsTable.DatabasePath(router), [id], TimeSpan.FromSeconds(60));

        using var anonymous = await router.Http.SendAsync(Get("ui/tracking"));
        using var search = await router.Http.SendAsync(Get($"ui/tracking?q={marker}", Key));
        var list = await search.Content.ReadAsStringAsync();
        using var detail = await router.Http.SendAsync(Get($"ui/tracking/requests/{id}", Key));
        var page = await detail.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Contains(id, list);
        Assert.True(search.Headers.Contains("Content-Security-Policy"));
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Contains(marker, page);
        Assert.DoesNotContain("<script>alert(1)</script>", page);
        Assert.DoesNotContain(Key, page);
    }
}
