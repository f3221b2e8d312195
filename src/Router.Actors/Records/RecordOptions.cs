namespace OaiRouter.Actors.Records;

/// <summary>How much of each request the record keeps.</summary>
public sealed class RecordOptions
{
    public const string Section = "Record";

    /// <summary><c>RECORD_BODY_MAX_BYTES</c>: bodies in the ledger and the log are cut past this, with a marker.</summary>
    public int BodyMaxBytes { get; set; } = 256 * 1024;
}
