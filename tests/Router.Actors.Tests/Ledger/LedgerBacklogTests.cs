using OaiRouter.Actors.Ledger;

namespace OaiRouter.Actors.Tests.Ledger;

public sealed class LedgerBacklogTests
{
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
        var backlog = new LedgerBacklog(highWater: 10, waitLimit: TimeSpan.FromSeconds(30));
        backlog.Update(11, writing: true);
        Assert.True(backlog.Full);

        var waiting = backlog.WaitForRoomAsync(TimeProvider.System, CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        backlog.Update(3, writing: true);
        var waited = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(waited >= TimeSpan.FromMilliseconds(100), $"waited {waited}");
    }

    [Fact]
    public async Task Full_WaitsNoLongerThanTheLimit()
    {
        var backlog = new LedgerBacklog(highWater: 10, waitLimit: TimeSpan.FromMilliseconds(200));
        backlog.Update(50, writing: true);

        var waited = await backlog.WaitForRoomAsync(TimeProvider.System, CancellationToken.None).AsTask()
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(waited, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
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
    public void Projection_YieldsToABusyJournal_ForAtMostTheLimit()
    {
        var backlog = new LedgerBacklog(highWater: 100);
        backlog.Update(10, writing: true);
        Assert.True(backlog.YieldToJournal(TimeProvider.System, TimeSpan.FromSeconds(5)) < TimeSpan.FromMilliseconds(500));

        backlog.Update(60, writing: true);
        var waited = backlog.YieldToJournal(TimeProvider.System, TimeSpan.FromMilliseconds(150));
        Assert.InRange(waited, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));

        backlog.Update(60, writing: false);
        Assert.True(backlog.YieldToJournal(TimeProvider.System, TimeSpan.FromSeconds(5)) < TimeSpan.FromMilliseconds(500));
    }
}
