using Akka.Actor;
using Akka.Configuration;
using OaiRouter.Actors.Media;

namespace OaiRouter.Actors.Tests.Media;

/// <summary>A real stage actor with its Akka.Streams queue, driven with works that wait on gates.</summary>
public sealed class MediaStageActorTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("media-stage-tests", ConfigurationFactory.Empty);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate();

    private IActorRef Stage(int parallelism, int queueSize) => _system.ActorOf(MediaStageActor.Props(
        new MediaStageSettings("downloads", parallelism, queueSize, TimeSpan.FromSeconds(3)), TimeProvider.System));

    private static MediaWork Work(string tag, Task<object?> result, IActorRef replyTo, Counter released, CancellationToken ct = default,
        Counter? runs = null) =>
        new("test", tag, async _ =>
        {
            runs?.Add();
            return await result;
        }, ct, replyTo, released.Add);

    [Fact]
    public async Task PastParallelismAndQueue_WorkIsRefusedAtOnce_AndTheRestRuns()
    {
        var stage = Stage(parallelism: 1, queueSize: 1);
        var inbox = Inbox.Create(_system);
        var gate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new Counter();

        stage.Tell(Work("a", gate.Task, inbox.Receiver, released));
        stage.Tell(Work("b", gate.Task, inbox.Receiver, released));
        stage.Tell(Work("c", gate.Task, inbox.Receiver, released));

        var busy = Assert.IsType<MediaStageBusy>(await inbox.ReceiveAsync(Bound));
        Assert.Equal("downloads", busy.Stage);
        Assert.Equal(TimeSpan.FromSeconds(3), busy.RetryAfter);
        Assert.Equal(1, released.Value); // the refused work let go of what it held

        gate.SetResult("done");
        var results = new[] { await inbox.ReceiveAsync(Bound), await inbox.ReceiveAsync(Bound) }.Cast<MediaWorkDone>().ToList();
        Assert.Equal(["a", "b"], results.Select(r => (string)r.Tag!).Order());
        Assert.All(results, r => Assert.Equal("done", r.Result));
        Assert.True(results.Single(r => (string)r.Tag! == "b").Waited > TimeSpan.Zero);
        await Eventually.TrueAsync(() => released.Value == 3, "3 leases released", Bound);
    }

    [Fact]
    public async Task FailedWork_ComesBackAsAResult_AndTheStageGoesOn()
    {
        var stage = Stage(parallelism: 1, queueSize: 1);
        var inbox = Inbox.Create(_system);
        var released = new Counter();

        stage.Tell(Work("bad", Task.FromException<object?>(new InvalidDataException("broken")), inbox.Receiver, released));
        var failed = Assert.IsType<MediaWorkFailed>(await inbox.ReceiveAsync(Bound));
        Assert.IsType<InvalidDataException>(failed.Cause);

        stage.Tell(Work("good", Task.FromResult<object?>(42), inbox.Receiver, released));
        Assert.Equal(42, Assert.IsType<MediaWorkDone>(await inbox.ReceiveAsync(Bound)).Result);
        await Eventually.TrueAsync(() => released.Value == 2, "2 leases released", Bound);
    }

    [Fact]
    public async Task WorkCancelledWhileWaiting_NeverRuns()
    {
        var stage = Stage(parallelism: 1, queueSize: 1);
        var inbox = Inbox.Create(_system);
        var gate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new Counter();
        var runs = new Counter();
        using var gone = new CancellationTokenSource();

        stage.Tell(Work("running", gate.Task, inbox.Receiver, released));
        stage.Tell(Work("waiting", gate.Task, inbox.Receiver, released, gone.Token, runs));
        await gone.CancelAsync();
        gate.SetResult(null);

        var replies = new[] { await inbox.ReceiveAsync(Bound), await inbox.ReceiveAsync(Bound) };
        var skipped = Assert.Single(replies.OfType<MediaWorkFailed>());
        Assert.Equal("waiting", skipped.Tag);
        Assert.IsAssignableFrom<OperationCanceledException>(skipped.Cause);
        Assert.Equal(0, runs.Value);
        await Eventually.TrueAsync(() => released.Value == 2, "2 leases released", Bound);
    }

    [Fact]
    public void Settings_ComeFromHocon_WithTwoCoreDefaults()
    {
        var config = ConfigurationFactory.ParseString("""
            oai-router.media { retry-after = 9s, frames { parallelism = 3, queue-size = 1 } }
            """);

        Assert.Equal(new MediaStageSettings("frames", 3, 1, TimeSpan.FromSeconds(9)), MediaStageSettings.From(config, "frames"));
        Assert.Equal(new MediaStageSettings("transcriptions", 1, 4, TimeSpan.FromSeconds(9)), MediaStageSettings.From(config, "transcriptions"));
        Assert.Equal(new MediaStageSettings("downloads", 4, 32, TimeSpan.FromSeconds(5)),
            MediaStageSettings.From(ConfigurationFactory.Empty, "downloads"));
        Assert.Throws<ConfigurationException>(() => MediaStageSettings.From(
            ConfigurationFactory.ParseString("oai-router.media.downloads.queue-size = 0"), "downloads"));
    }

    [Fact]
    public void ShippedHocon_SizesEveryStage()
    {
        var config = RouterHocon.Load();

        Assert.Equal(4, MediaStageSettings.From(config, "downloads").Parallelism);
        Assert.Equal(1, MediaStageSettings.From(config, "transcriptions").Parallelism);
        Assert.Equal(2, MediaStageSettings.From(config, "frames").Parallelism);
    }


    private sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }
}
