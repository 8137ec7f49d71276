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
/// serializer's per-string bookkeeping would cost more than the entries themselves). The format is
/// <see cref="BinaryWriter"/>'s: the count, then per entry the job id (7-bit length, UTF-8) and four 64-bit integers.
/// </summary>
internal static class LeaseLedger
{
    public static byte[] Pack(IReadOnlyList<LeaseProgress> entries)
    {
        var writer = new Writer();
        foreach (var entry in entries) writer.Add(entry);
        return writer.Written.ToArray();
    }

    /// <summary>Whether <paramref name="packed"/> holds no entry.</summary>
    public static bool IsEmpty(ReadOnlySpan<byte> packed) => packed.Length <= sizeof(int);

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

    /// <summary>
    /// Packs into a buffer it keeps from one round to the next: a partition of thousands of leases packs every second,
    /// and a buffer grown anew each time (with a list of the entries before it) was half of a busy silo's allocation.
    /// </summary>
    public sealed class Writer
    {
        private byte[] _buffer = new byte[256];
        private int _length;
        private int _count;

        /// <summary>What was packed since <see cref="Reset"/>: the count, then the entries.</summary>
        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        /// <summary>Starts a new ledger.</summary>
        public void Reset()
        {
            (_length, _count) = (sizeof(int), 0);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(_buffer, 0);
        }

        public Writer() => Reset();

        public void Add(in LeaseProgress entry)
        {
            var idBytes = Encoding.UTF8.GetByteCount(entry.JobId);
            Ensure(5 + idBytes + 4 * sizeof(long));
            for (var length = (uint)idBytes; ; length >>= 7)
            {
                if (length < 0x80)
                {
                    _buffer[_length++] = (byte)length;
                    break;
                }
                _buffer[_length++] = (byte)(length | 0x80);
            }
            _length += Encoding.UTF8.GetBytes(entry.JobId, _buffer.AsSpan(_length));
            foreach (var value in (ReadOnlySpan<long>)[entry.Version, entry.FloorTicks, entry.ThroughTicks, entry.Count])
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
                _length += sizeof(long);
            }
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(_buffer, ++_count);
        }

        private void Ensure(int more)
        {
            if (_length + more <= _buffer.Length) return;
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
