using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Tests.Queries;

public sealed class PageCursorTests
{
    public static TheoryData<SortColumn, object> Values => new()
    {
        { SortColumn.Time, 1_750_000_000_123L },
        { SortColumn.Model, "vendor/model|with:odd chars ✓" },
        { SortColumn.Endpoint, "/v1/chat/completions" },
        { SortColumn.Status, -1L },
        { SortColumn.Tokens, 42L },
        { SortColumn.Cost, 0.1 + 0.2 },
        { SortColumn.Latency, -1.0 },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void EncodeDecode_RoundTrips(SortColumn sort, object value)
    {
        var token = new PageCursor(sort, value, 987).Encode();

        var decoded = PageCursor.Decode(token, sort);

        Assert.Equal(new PageCursor(sort, value, 987), decoded);
        Assert.DoesNotContain('=', token);
        Assert.Equal(Uri.EscapeDataString(token), token);
    }

    [Fact]
    public void Decode_RejectsOtherSortsAndGarbage()
    {
        var token = new PageCursor(SortColumn.Cost, 1.5, 3).Encode();

        Assert.Null(PageCursor.Decode(token, SortColumn.Latency));
        Assert.Null(PageCursor.Decode("not base64 !", SortColumn.Cost));
        Assert.Null(PageCursor.Decode(new PageCursor(SortColumn.Cost, "text", 3).Encode(), SortColumn.Cost));
        Assert.Null(PageCursor.Decode(null, SortColumn.Cost));
    }
}
