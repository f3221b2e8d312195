using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OaiRouter.Actors.Forwarding;
using OaiRouter.Host.Config;
using OaiRouter.Host.Tests.Support;

namespace OaiRouter.Host.Tests.Config;

public sealed class ConfigurationTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void SeedNames_LandOnTheOptions()
    {
        var config = Config(new()
        {
            ["OPENROUTER_API_KEY"] = "sk-or-v1-x",
            ["OPENROUTER_BASE_URL"] = "http://127.0.0.1:9/api/v1",
            ["DEFAULT_TEXT_MODEL"] = "a/text",
            ["VISION_MODEL"] = "a/vision",
            ["OPENROUTER_REFERER"] = "https://me",
            ["OPENROUTER_X_TITLE"] = "Me",
            ["UPSTREAM_TIMEOUT_SECONDS"] = "7.5",
            ["UPSTREAM_MAX_ATTEMPTS"] = "4",
            ["ROUTER_API_KEYS"] = " one-key-123 ,two-key-456,, ",
            ["MAX_REQUEST_BODY_BYTES"] = "1000",
            ["LOG_FILE_PATH"] = "/tmp/x.json",
            ["DATABASE_URL"] = "sqlite:///x.db",
            ["OpenRouter:MaxRetryAfterSeconds"] = "5",
        });
        var openRouter = new OpenRouterOptions();
        var router = new RouterOptions();
        SeedSettings.Apply(config, openRouter);
        SeedSettings.Apply(config, router);

        Assert.Equal("sk-or-v1-x", openRouter.ApiKey);
        Assert.Equal(new Uri("http://127.0.0.1:9/api/v1/"), openRouter.BaseUri);
        Assert.Equal("a/text", openRouter.DefaultTextModel);
        Assert.Equal("a/vision", openRouter.VisionModel);
        Assert.Equal("https://me", openRouter.Referer);
        Assert.Equal("Me", openRouter.XTitle);
        Assert.Equal(TimeSpan.FromSeconds(7.5), openRouter.Timeout);
        Assert.Equal(4, openRouter.MaxAttempts);
        Assert.Equal(5, openRouter.MaxRetryAfterSeconds);
        Assert.Equal(["one-key-123", "two-key-456"], router.ApiKeys);
        Assert.Equal(1000, router.MaxRequestBodyBytes);
        Assert.Equal("/tmp/x.json", router.LogFilePath);
        Assert.Equal("sqlite:///x.db", router.DatabaseUrl);
    }

    [Theory]
    [InlineData("OPENROUTER_BASE_URL", "not a url")]
    [InlineData("OPENROUTER_BASE_URL", "ftp://openrouter.ai/api/v1")]
    [InlineData("UPSTREAM_TIMEOUT_SECONDS", "soon")]
    [InlineData("UPSTREAM_MAX_ATTEMPTS", "0")]
    [InlineData("MAX_REQUEST_BODY_BYTES", "-5")]
    [InlineData("DATABASE_URL", "postgresql://db/x")]
    [InlineData("ROUTER_API_KEYS", "short")]
    public async Task BadSetting_StopsStartUpNamingIt(string name, string value)
    {
        // Options fail when the host starts; the database is checked even before, while it is built.
        var ex = await Assert.ThrowsAnyAsync<Exception>(() =>
            TestRouter.StartAsync(new Dictionary<string, string?> { [name] = value }));
        Assert.True(ex is OptionsValidationException or InvalidOperationException, ex.ToString());
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public async Task UnwritableDatabase_StopsStartUpNamingDatabaseUrl()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => TestRouter.StartAsync(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "sqlite:////nonexistent-dir-oai/sub/x.db",
        }));
        Assert.Contains("DATABASE_URL", ex.Message);
        Assert.Contains("/nonexistent-dir-oai/sub/x.db", ex.Message);
    }

    [Fact]
    public void DotEnvFile_FillsTheEnvironmentButRealVariablesWin()
    {
        var dir = Directory.CreateTempSubdirectory("oai-dotenv").FullName;
        var fresh = $"OAI_TEST_FRESH_{Guid.NewGuid():N}";
        var preset = $"OAI_TEST_PRESET_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(preset, "from-environment");
        try
        {
            File.WriteAllText(Path.Combine(dir, ".env"), $"{fresh}=from-dotenv\n{preset}=from-dotenv\n# a comment\n");
            DotEnvFile.Load(dir);

            Assert.Equal("from-dotenv", Environment.GetEnvironmentVariable(fresh));
            Assert.Equal("from-environment", Environment.GetEnvironmentVariable(preset));
        }
        finally
        {
            Environment.SetEnvironmentVariable(fresh, null);
            Environment.SetEnvironmentVariable(preset, null);
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task SettingsFiles_AreReadOnce_NotWatched()
    {
        // Building checks the database; keep it out of the test's bin folder.
        var dir = Directory.CreateTempSubdirectory("oai-settings");
        try
        {
            await using var app = RouterApp.Build([], new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = $"sqlite:///{Path.Combine(dir.FullName, "router.db")}",
            });
            AssertNotWatched(app);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void AssertNotWatched(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        var files = ((IConfigurationRoot)app.Configuration).Providers
            .OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched"));
    }

    [Fact]
    public void NoDotEnvFile_IsFine() => DotEnvFile.Load(Directory.CreateTempSubdirectory("oai-nodotenv").FullName);
}
