namespace OaiRouter.Media.Tests.VideoSupport;

internal static class TestOptions
{
    /// <summary>Media options for one test: its own working folder, small limits that the test clips fit.</summary>
    public static MediaOptions Video(TempFolder folder, Action<MediaOptions>? change = null)
    {
        var options = new MediaOptions
        {
            // The test servers listen on loopback.
            AllowPrivateNetworks = true,
            VideoWorkDir = folder.File("work"),
            MaxFrames = 8,
            MaxVideoSeconds = 60,
            MaxVideoBytes = 20L * 1024 * 1024,
            VideoDownloadTimeoutSeconds = 30,
            VideoStageTimeoutSeconds = 30,
            TranscribeTimeoutSeconds = 60,
        };
        change?.Invoke(options);
        return options;
    }
}
