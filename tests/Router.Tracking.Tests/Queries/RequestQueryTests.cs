using OaiRouter.Tracking.Queries;

namespace OaiRouter.Tracking.Tests.Queries;

public sealed class RequestQueryTests
{
    [Fact]
    public void Parse_ReadsEveryField()
    {
        var q = RequestQuery.Parse("?q=hello+world&model=openai%2Fgpt-4o&status=5xx&endpoint=%2Fv1%2Fcompletions&key=key-2"
            + "&from=2025-06-01T10:00&to=2025-06-02T00:00:30&sort=cost&dir=asc&size=25&after=abc");

        Assert.Equal("hello world", q.Q);
        Assert.Equal("openai/gpt-4o", q.Model);
        Assert.Equal("5xx", q.Status?.Text);
        Assert.Equal("/v1/completions", q.Endpoint);
        Assert.Equal("key-2", q.KeyLabel);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero), q.From);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 0, 0, 30, TimeSpan.Zero), q.To);
        Assert.Equal(SortColumn.Cost, q.Sort);
        Assert.Equal(SortDirection.Asc, q.Direction);
        Assert.Equal(25, q.PageSize);
        Assert.Equal("abc", q.After);
        Assert.True(q.IsFiltered);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?q=a%26b%3Dc&model=x/y")]
    [InlineData("?status=error&sort=latency&dir=asc")]
    [InlineData("?from=2025-06-01T10:00&to=2025-06-01T10:00:05&size=100")]
    [InlineData("?sort=model&dir=desc&before=xyz")]
    public void ToQueryString_IsCanonical_AndParsesBackToItself(string url)
    {
        var q = RequestQuery.Parse(url);

        Assert.Equal(url, q.ToQueryString());
        Assert.Equal(q, RequestQuery.Parse(q.ToQueryString()));
    }

    [Fact]
    public void ToQueryString_KeepsSlashesAndColonsReadable()
    {
        var q = new RequestQuery { Model = "openai/gpt-4o", From = new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero), Q = "a b&c" };

        Assert.Equal("?q=a%20b%26c&model=openai/gpt-4o&from=2025-06-01T10:00", q.ToQueryString());
    }

    [Fact]
    public void Parse_DropsWhatItCannotUnderstand()
    {
        var q = RequestQuery.Parse("?model=&status=teapot&sort=secret&dir=sideways&size=-3&from=yesterday&q=%20%20&unknown=1");

        Assert.Equal(new RequestQuery(), q);
        Assert.Equal("", q.ToQueryString());
        Assert.False(q.IsFiltered);
    }

    [Fact]
    public void Parse_CapsPageSize_AndUsesTheGivenDefault()
    {
        Assert.Equal(RequestQuery.MaxPageSize, RequestQuery.Parse("?size=100000").PageSize);
        Assert.Equal(20, RequestQuery.Parse("", defaultPageSize: 20).PageSize);
        Assert.Equal("", RequestQuery.Parse("?size=20", defaultPageSize: 20).ToQueryString(defaultPageSize: 20));
    }

    [Fact]
    public void Parse_AcceptsUnixMillisecondsAndOffsets()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000), RequestQuery.ParseTime("1750000000000"));
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero), RequestQuery.ParseTime("2025-06-01T10:00+02:00"));
    }

    [Fact]
    public void SortedBy_SameColumnFlips_NewColumnStartsInItsNaturalDirection_AndPagingRestarts()
    {
        var q = new RequestQuery { After = "cursor", Model = "m" };

        var byTime = q.SortedBy(SortColumn.Time);
        var byModel = q.SortedBy(SortColumn.Model);
        var byCost = q.SortedBy(SortColumn.Cost);

        Assert.Equal(SortDirection.Asc, byTime.Direction);
        Assert.Null(byTime.After);
        Assert.Equal("m", byTime.Model);
        Assert.Equal(SortDirection.Asc, byModel.Direction);
        Assert.Equal(SortDirection.Desc, byCost.Direction);
        Assert.Equal(SortDirection.Asc, byCost.SortedBy(SortColumn.Cost).Direction);
    }

    [Theory]
    [InlineData("200", "200")]
    [InlineData(" 4XX ", "4xx")]
    [InlineData("Errors", "error")]
    [InlineData("pending", "pending")]
    [InlineData("6xx", null)]
    [InlineData("99", null)]
    [InlineData("2000", null)]
    [InlineData("abc", null)]
    public void StatusFilter_ParsesKnownForms(string text, string? canonical)
    {
        Assert.Equal(canonical, StatusFilter.Parse(text)?.Text);
    }
}
