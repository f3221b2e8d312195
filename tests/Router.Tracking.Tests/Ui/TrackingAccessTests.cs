using System.Text;
using Microsoft.AspNetCore.Http;
using OaiRouter.Tracking.Ui;

namespace OaiRouter.Tracking.Tests.Ui;

public sealed class TrackingAccessTests
{
    private static string Basic(string userPass) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userPass));

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer   abc  ", "abc")]
    [InlineData("Bearer ", null)]
    [InlineData("Token abc", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void PresentedKey_ReadsBearer(string? header, string? expected)
    {
        Assert.Equal(expected, TrackingAccess.PresentedKey(header));
    }

    [Fact]
    public void PresentedKey_ReadsTheBasicPassword_WithAnyUserName()
    {
        Assert.Equal("secret", TrackingAccess.PresentedKey(Basic("me:secret")));
        Assert.Equal("se:cret", TrackingAccess.PresentedKey(Basic("me:se:cret")));
        Assert.Equal("pässwörd", TrackingAccess.PresentedKey(Basic(":pässwörd")));
        Assert.Null(TrackingAccess.PresentedKey(Basic("no-colon")));
        Assert.Null(TrackingAccess.PresentedKey(Basic("user:")));
        Assert.Null(TrackingAccess.PresentedKey("Basic %%%"));
    }

    [Fact]
    public void IsAllowed_OpenWithoutKeys_ClosedWithThem()
    {
        var open = new TrackingAccess(new TrackingUiOptions { ConnectionString = "x" });
        var closed = new TrackingAccess(new TrackingUiOptions { ConnectionString = "x", ApiKeys = ["k1-aaaaaaaa", "k2-bbbbbbbb"] });
        var anonymous = new DefaultHttpContext();
        var second = new DefaultHttpContext();
        second.Request.Headers.Authorization = Basic("x:k2-bbbbbbbb");
        var prefix = new DefaultHttpContext();
        prefix.Request.Headers.Authorization = "Bearer k2-bbbbbbb";

        Assert.False(open.Required);
        Assert.True(open.IsAllowed(anonymous));
        Assert.False(closed.IsAllowed(anonymous));
        Assert.True(closed.IsAllowed(second));
        Assert.False(closed.IsAllowed(prefix));
    }
}
