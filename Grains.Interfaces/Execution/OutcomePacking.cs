using System.Buffers.Binary;
using System.Text;

namespace OrleansScheduler.Execution;

/// <summary>
/// Outcomes packed into one byte array, as the execution-event stream and the workers' lease reports carry them: a
/// few dozen bytes each instead of an object graph with strings. The execution id is not stored (it follows from the
/// job id and the instant), and silo names are stored once per array.
/// </summary>
/// <remarks>
/// Layout: a format byte (1); the count and the silo names (varint count, then each as a string); then per outcome
/// the job id (string), the scheduled instant (8 bytes, UTC ticks), start minus scheduled and finish minus start
/// (zig-zag varints, ticks), attempt (varint), status (byte), flags (byte: 1 final, 2 manual, 4 has error), silo
/// (varint: 0 none, else its index + 1), job version (varint) and the error (string) when flagged. A string is its
/// UTF-8 length as a varint, then its bytes.
/// </remarks>
public sealed class OutcomePacker
{
    private const byte Format = 1;
    private byte[] _body = new byte[256];
    private int _length;
    private readonly List<string> _silos = [];

    /// <summary>Outcomes added since the last <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes added so far (an estimate of the packed size).</summary>
    public int Length => _length;

    /// <summary>Adds <paramref name="outcome"/>.</summary>
    public void Add(ExecutionOutcome outcome) =>
        Add(outcome.JobId, outcome.ScheduledAt.UtcTicks, outcome.StartedAt.UtcTicks, outcome.FinishedAt.UtcTicks, outcome.Attempt,
            outcome.Status, outcome.IsFinal, outcome.Manual, outcome.Silo, outcome.JobVersion, outcome.Error);

    /// <summary>Adds an outcome given by its values (nothing is allocated per outcome).</summary>
    public void Add(string jobId, long scheduledTicks, long startedTicks, long finishedTicks, int attempt, ExecutionStatus status,
        bool isFinal, bool manual, string? silo, long jobVersion, string? error)
    {
        Ensure(32 + Encoding.UTF8.GetMaxByteCount(jobId.Length) + (error is null ? 0 : 5 + Encoding.UTF8.GetMaxByteCount(error.Length)));
        WriteString(jobId);
        BinaryPrimitives.WriteInt64LittleEndian(_body.AsSpan(_length), scheduledTicks);
        _length += 8;
        WriteVarint(ZigZag(startedTicks - scheduledTicks));
        WriteVarint(ZigZag(finishedTicks - startedTicks));
        WriteVarint((ulong)Math.Max(0, attempt));
        _body[_length++] = (byte)status;
        _body[_length++] = (byte)((isFinal ? 1 : 0) | (manual ? 2 : 0) | (error is null ? 0 : 4));
        WriteVarint(silo is null ? 0 : (ulong)SiloIndex(silo) + 1);
        WriteVarint(ZigZag(jobVersion));
        if (error is not null) WriteString(error);
        Count++;
    }

    /// <summary>The packed outcomes added so far.</summary>
    public byte[] ToArray()
    {
        var header = new byte[1 + 5 + 5 + _silos.Sum(s => 5 + Encoding.UTF8.GetByteCount(s))];
        var at = 0;
        header[at++] = Format;
        at += WriteVarint(header.AsSpan(at), (ulong)Count);
        at += WriteVarint(header.AsSpan(at), (ulong)_silos.Count);
        foreach (var silo in _silos)
        {
            var bytes = Encoding.UTF8.GetByteCount(silo);
            at += WriteVarint(header.AsSpan(at), (ulong)bytes);
            at += Encoding.UTF8.GetBytes(silo, header.AsSpan(at));
        }
        var packed = new byte[at + _length];
        header.AsSpan(0, at).CopyTo(packed);
        _body.AsSpan(0, _length).CopyTo(packed.AsSpan(at));
        return packed;
    }

    /// <summary>Forgets what was added; the buffer is kept for the next batch.</summary>
    public void Clear()
    {
        _length = 0;
        Count = 0;
        _silos.Clear();
    }

    private int SiloIndex(string silo)
    {
        for (var i = 0; i < _silos.Count; i++)
            if (ReferenceEquals(_silos[i], silo) || string.Equals(_silos[i], silo, StringComparison.Ordinal)) return i;
        _silos.Add(silo);
        return _silos.Count - 1;
    }

    private void Ensure(int more)
    {
        if (_length + more <= _body.Length) return;
        Array.Resize(ref _body, Math.Max(_body.Length * 2, _length + more));
    }

    private void WriteString(string text)
    {
        // The length prefix is written after the bytes are: reserve the most a varint of the maximum byte count takes.
        var prefix = VarintLength((ulong)Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, _body.AsSpan(_length + prefix));
        var actual = VarintLength((ulong)written);
        if (actual != prefix) _body.AsSpan(_length + prefix, written).CopyTo(_body.AsSpan(_length + actual));
        WriteVarint(_body.AsSpan(_length), (ulong)written);
        _length += actual + written;
    }

    private void WriteVarint(ulong value) => _length += WriteVarint(_body.AsSpan(_length), value);

    private static int WriteVarint(Span<byte> target, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            target[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        target[at++] = (byte)value;
        return at;
    }

    private static int VarintLength(ulong value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }
        return length;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    internal static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}

/// <summary>One outcome read from a packed array, as values (its strings: the job id, the silo, the error).</summary>
public readonly record struct PackedOutcome(string JobId, long ScheduledTicks, long StartedTicks, long FinishedTicks, int Attempt,
    ExecutionStatus Status, bool IsFinal, bool Manual, string? Silo, long JobVersion, string? Error)
{
    /// <summary>The outcome as callers see it (<paramref name="jobId"/> when the array left the job id out).</summary>
    public ExecutionOutcome ToOutcome(string? jobId = null)
    {
        var id = jobId ?? JobId;
        var scheduledAt = new DateTimeOffset(ScheduledTicks, TimeSpan.Zero);
        return new ExecutionOutcome
        {
            JobId = id,
            ExecutionId = ExecutionIds.For(id, scheduledAt, Manual),
            ScheduledAt = scheduledAt,
            Attempt = Attempt,
            Status = Status,
            StartedAt = new DateTimeOffset(StartedTicks, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(FinishedTicks, TimeSpan.Zero),
            Error = Error,
            IsFinal = IsFinal,
            Silo = Silo,
            JobVersion = JobVersion,
            Manual = Manual,
        };
    }
}

/// <summary>Reads what an <see cref="OutcomePacker"/> packed.</summary>
public static class OutcomeUnpacker
{
    /// <summary>How many outcomes <paramref name="packed"/> holds.</summary>
    public static int Count(ReadOnlySpan<byte> packed)
    {
        if (packed.IsEmpty) return 0;
        var reader = new Reader(packed);
        reader.Format();
        return checked((int)reader.Varint());
    }

    /// <summary>The outcomes in <paramref name="packed"/>, in the order they were added.</summary>
    /// <exception cref="FormatException">The array is not a packed outcome array of a known format.</exception>
    public static List<PackedOutcome> Read(ReadOnlySpan<byte> packed, Func<string, string>? intern = null)
    {
        if (packed.IsEmpty) return [];
        try
        {
            var reader = new Reader(packed);
            reader.Format();
            var count = checked((int)reader.Varint());
            var silos = new string[checked((int)reader.Varint())];
            for (var i = 0; i < silos.Length; i++)
            {
                var silo = reader.String();
                silos[i] = intern is null ? silo : intern(silo);
            }
            var outcomes = new List<PackedOutcome>(Math.Min(count, packed.Length / 12 + 1));
            for (var i = 0; i < count; i++)
            {
                var jobId = reader.String();
                var scheduled = reader.Int64();
                var started = scheduled + OutcomePacker.UnZigZag(reader.Varint());
                var finished = started + OutcomePacker.UnZigZag(reader.Varint());
                var attempt = checked((int)reader.Varint());
                var status = (ExecutionStatus)reader.Byte();
                var flags = reader.Byte();
                var silo = reader.Varint();
                var version = OutcomePacker.UnZigZag(reader.Varint());
                var error = (flags & 4) != 0 ? reader.String() : null;
                outcomes.Add(new PackedOutcome(jobId, scheduled, started, finished, attempt, status, (flags & 1) != 0, (flags & 2) != 0,
                    silo == 0 ? null : silos[checked((int)silo - 1)], version, error));
            }
            return outcomes;
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new FormatException("The packed outcomes are truncated or corrupt.", ex);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public void Format()
        {
            var format = Byte();
            if (format != 1) throw new FormatException($"Unknown packed outcome format {format}.");
        }

        public byte Byte() => _data[_at++];

        public long Int64()
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_data[_at..]);
            _at += 8;
            return value;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = _data[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return value;
            }
            throw new OverflowException("A varint is longer than 64 bits.");
        }

        public string String()
        {
            var length = checked((int)Varint());
            if (length == 0) return string.Empty;
            var text = Encoding.UTF8.GetString(_data.Slice(_at, length));
            _at += length;
            return text;
        }
    }
}
