using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace OaiRouter.Actors.Ledger;

/// <summary>
/// Writes ledger events to the journal as UTF-8 JSON with a short manifest per event type. JSON
/// keeps old rows readable when a record gains a member (missing members read as null/default);
/// renaming or removing one needs a new manifest.
/// </summary>
public sealed class LedgerEventSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka serializer id; unique within the router.</summary>
    public const int Id = 7301;

    public const string Name = "oai-router-ledger";

    private const string ReceivedManifest = "received";
    private const string FinishedManifest = "finished";
    private const string ReconciledManifest = "cost-reconciled";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        RequestReceived => ReceivedManifest,
        RequestFinished => FinishedManifest,
        CostReconciled => ReconciledManifest,
        _ => throw new ArgumentException($"{o.GetType()} is not a ledger event", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        RequestReceived e => JsonSerializer.SerializeToUtf8Bytes(e, Json),
        RequestFinished e => JsonSerializer.SerializeToUtf8Bytes(e, Json),
        CostReconciled e => JsonSerializer.SerializeToUtf8Bytes(e, Json),
        _ => throw new ArgumentException($"{obj.GetType()} is not a ledger event", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        ReceivedManifest => JsonSerializer.Deserialize<RequestReceived>(bytes, Json)!,
        FinishedManifest => JsonSerializer.Deserialize<RequestFinished>(bytes, Json)!,
        ReconciledManifest => JsonSerializer.Deserialize<CostReconciled>(bytes, Json)!,
        _ => throw new System.Runtime.Serialization.SerializationException($"Unknown ledger event manifest '{manifest}'"),
    };
}
