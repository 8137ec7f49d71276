using System.Text;

namespace OrleansScheduler.Grains.Workers;

/// <summary>What a worker partition stores of its leases: per job, how far every leased occurrence has finished.</summary>
[GenerateSerializer, Alias("grains.LeaseLedgerState")]
public sealed class LeaseLedgerState
{
    /// <summary>The entries, packed (see <see cref="LeaseLedger"/>); null when there are none.</summary>
    [Id(0)] public byte[]? Packed { get; set; }
}

/// <summary>
/// One job's progress under its lease: the occurrences after <see cref="FloorTicks"/> up to <see cref="ThroughTicks"/>
/// (UTC ticks) have finished; <see cref="Count"/> occurrences are counted through it.
/// </summary>
internal readonly record struct LeaseProgress(string JobId, long Version, long FloorTicks, long ThroughTicks, long Count)
{
    /// <summary>Whether the occurrence at <paramref name="ticks"/> of <paramref name="version"/> is known to have finished.</summary>
    public bool Finished(long version, long ticks) => version == Version && ticks > FloorTicks && ticks <= ThroughTicks;
}

/// <summary>
/// Packs a partition's lease progress into one byte array (a write per second for every lease of the partition: the
/// serializer's per-string bookkeeping would cost more than the entries themselves).
/// </summary>
internal static class LeaseLedger
{
    public static byte[] Pack(IReadOnlyList<LeaseProgress> entries)
    {
        using var buffer = new MemoryStream(entries.Count * 48);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(entries.Count);
            foreach (var entry in entries)
            {
                writer.Write(entry.JobId);
                writer.Write(entry.Version);
                writer.Write(entry.FloorTicks);
                writer.Write(entry.ThroughTicks);
                writer.Write(entry.Count);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Whether <paramref name="packed"/> holds no entry.</summary>
    public static bool IsEmpty(byte[] packed) => packed.Length <= sizeof(int);

    public static List<LeaseProgress> Unpack(byte[]? packed)
    {
        if (packed is not { Length: > 0 }) return [];
        using var reader = new BinaryReader(new MemoryStream(packed), Encoding.UTF8);
        var count = reader.ReadInt32();
        var entries = new List<LeaseProgress>(count);
        for (var i = 0; i < count; i++)
            entries.Add(new LeaseProgress(reader.ReadString(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64()));
        return entries;
    }
}
