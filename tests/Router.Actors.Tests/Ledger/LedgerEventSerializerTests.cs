using Akka.Actor;
using OaiRouter.Actors.Ledger;

namespace OaiRouter.Actors.Tests.Ledger;

public sealed class LedgerEventSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-tests");

    public void Dispose() => _system.Dispose();

    public static TheoryData<ILedgerEvent> Events() => new()
    {
        new RequestReceived("r1", DateTimeOffset.Parse("2025-01-02T03:04:05.678+00:00"), "/v1/completions", "k", "a", "b",
            "vision", true, 42, """{"prompt":"héllo ✓"}"""),
        new RequestFinished("r1", DateTimeOffset.Parse("2025-01-02T03:04:06+00:00"), RequestFinished.Failed, 429, "rate_limited",
            "slow down", "gen-9", "a", null, 1, 2, 3, 4, 5, 0.25, CostSources.Response, 1.5, 0.5, 0.25, 0.125, 77, 2, "{}", "[]"),
        new CostReconciled("r1", DateTimeOffset.UnixEpoch, "gen-9", 0.001, null, 7, 1, null, CostSources.Generation),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Events_RoundTripThroughTheJournalFormat(ILedgerEvent e)
    {
        var serializer = new LedgerEventSerializer((ExtendedActorSystem)_system);
        var bytes = serializer.ToBinary(e);
        Assert.Equal(e, serializer.FromBinary(bytes, serializer.Manifest(e)));
    }

    [Fact]
    public void OlderRows_WithoutNewerMembers_StillRead()
    {
        var serializer = new LedgerEventSerializer((ExtendedActorSystem)_system);
        var json = """{"RequestId":"r","At":"2025-01-01T00:00:00+00:00","GenerationId":"g","CostUsd":0.5,"CostSource":"generation"}"""u8;
        var e = Assert.IsType<CostReconciled>(serializer.FromBinary(json.ToArray(), "cost-reconciled"));
        Assert.Equal(0.5, e.CostUsd);
        Assert.Null(e.PromptTokens);
    }

    [Fact]
    public void TheSerializer_IsBoundToLedgerEvents()
    {
        using var system = ActorSystem.Create("bound", Akka.Configuration.ConfigurationFactory.ParseString($$"""
            akka.actor.serializers.ledger = "{{typeof(LedgerEventSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(ILedgerEvent).AssemblyQualifiedName}}" = ledger }
            akka.actor.serialization-identifiers { "{{typeof(LedgerEventSerializer).AssemblyQualifiedName}}" = {{LedgerEventSerializer.Id}} }
            """));
        var e = new CostReconciled("r1", DateTimeOffset.UnixEpoch, "g", 1, null, null, null, null, CostSources.Generation);
        Assert.IsType<LedgerEventSerializer>(system.Serialization.FindSerializerFor(e));
    }
}
