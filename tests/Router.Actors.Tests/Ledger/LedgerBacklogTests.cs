using OaiRouter.Actors.Ledger;

namespace OaiRouter.Actors.Tests.Ledger;

public sealed class LedgerBacklogTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Room_ReturnsAtOnce()
    {
        var backlog = new LedgerBacklog(highWater: 10);
        backlog.Update(10, writing: true);

        Assert.False(backlog.Full);
        Assert.Equal(TimeSpan.Zero, await backlog.WaitForRoomAsync(TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Full_WaitsUntilTheJournalCatchesUp()
    {
        var backlog = new LedgerBacklog(highWater: 10, waitLimit: TimeSpan.FromMinutes(5));
        backlog.Update(11, writing: true);
        Assert.True(backlog.Full);

        var waiting = backlog.WaitForRoomAsync(TimeProvider.System, CancellationToken.None).AsTask();
        backlog.Update(12, writing: true); // still full: still waiting
        Assert.False(waiting.IsCompleted);

        backlog.Update(3, writing: true);
        var waited = await waiting.WaitAsync(Bound);
        Assert.True(waited < TimeSpan.FromMinutes(5), $"waited {waited}");
    }

    [Fact]
    public async Task Full_WaitsNoLongerThanTheLimit()
    {
        var backlog = new LedgerBacklog(highWater: 10, waitLimit: TimeSpan.FromMilliseconds(200));
        backlog.Update(50, writing: true);

        var waited = await backlog.WaitForRoomAsync(TimeProvider.System, CancellationToken.None).AsTask().WaitAsync(Bound);

        Assert.InRange(waited, TimeSpan.FromMilliseconds(200), Bound);
        Assert.True(backlog.Full);
    }

    [Fact]
    public async Task JournalDown_NobodyWaits()
    {
        var backlog = new LedgerBacklog(highWater: 10);
        backlog.Update(5_000, writing: false);

        Assert.False(backlog.Full);
        Assert.Equal(TimeSpan.Zero, await backlog.WaitForRoomAsync(TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task Projection_YieldsToABusyJournal_UntilItIsQuiet()
    {
        var backlog = new LedgerBacklog(highWater: 100);
        backlog.Update(10, writing: true);
        Assert.True(backlog.YieldToJournal(TimeSpan.FromMinutes(5))); // quiet: returns at once

        backlog.Update(60, writing: true);
        var yielding = Task.Factory.StartNew(() => backlog.YieldToJournal(TimeSpan.FromMinutes(5)), TaskCreationOptions.LongRunning);
        Assert.False(yielding.IsCompleted);

        backlog.Update(20, writing: true);
        Assert.True(await yielding.WaitAsync(Bound));
    }

    [Fact]
    public void Projection_YieldsForAtMostTheLimit()
    {
        var backlog = new LedgerBacklog(highWater: 100);
        backlog.Update(60, writing: true);

        Assert.False(backlog.YieldToJournal(TimeSpan.FromMilliseconds(50)));

        backlog.Update(60, writing: false);
        Assert.True(backlog.YieldToJournal(TimeSpan.FromMinutes(5))); // a journal that is down is not waited for
    }
}
