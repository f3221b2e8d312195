using OaiRouter.Tracking.Storage;

namespace OaiRouter.Tracking.Tests.Storage;

public sealed class DatabaseUrlTests
{
    private const string Cwd = "/srv/router";

    [Theory]
    [InlineData("sqlite+aiosqlite:///./oai_router.db", "/srv/router/oai_router.db")]
    [InlineData("sqlite:///relative.db", "/srv/router/relative.db")]
    [InlineData("sqlite:///data/x.db", "/srv/router/data/x.db")]
    [InlineData("sqlite:////absolute/path.db", "/absolute/path.db")]
    [InlineData("sqlite+aiosqlite:////var/lib/r.db?check_same_thread=false", "/var/lib/r.db")]
    [InlineData("./plain.db", "/srv/router/plain.db")]
    public void SeedForms_MapToTheFile(string url, string path)
    {
        Assert.True(DatabaseUrl.TryParse(url, Cwd, out var file, out var error), error);
        Assert.Equal(path, file);
    }

    [Theory]
    [InlineData("")]
    [InlineData("postgresql://user@host/db")]
    [InlineData("sqlite://relative.db")]
    [InlineData("sqlite:///:memory:")]
    [InlineData("sqlite:///")]
    public void OtherForms_AreRefusedNamingTheSetting(string url)
    {
        Assert.False(DatabaseUrl.TryParse(url, Cwd, out _, out var error));
        Assert.Contains("DATABASE_URL", error);
    }

    [Fact]
    public void ConnectionString_PointsAtTheFile() =>
        Assert.Contains("Data Source=/absolute/path.db", DatabaseUrl.ToConnectionString("sqlite:////absolute/path.db", Cwd));
}
