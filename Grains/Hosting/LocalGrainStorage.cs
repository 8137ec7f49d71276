using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace OrleansScheduler.Grains.Hosting;

/// <summary>
/// Grain state kept in this process's memory, for the embedded store: a write serializes the state once and keeps those
/// bytes, a read deserializes a fresh copy, and the ETag check makes a second activation's write fail as it does on
/// Redis. Every silo of one cluster in this process (same service and cluster id: a local silo, or a TestingHost
/// cluster) shares one set of states; it is dropped when the last of them stops, as Orleans' memory storage would be.
/// </summary>
/// <remarks>
/// Orleans' own memory storage keeps each state in a storage grain: every write is a grain call that copies the bytes
/// again, and the copy lives until the next write. At thousands of writes a second those copies were most of what the
/// young collector promoted. Here a write is a copy into the state's own buffer, which lives as long as the state: a
/// state written again at the same size or smaller (a job's watermark, its history once full) allocates nothing that
/// outlives the write, so the writes of ten thousand leased jobs leave the old generation as it was.
/// </remarks>
internal sealed class LocalGrainStorage : IGrainStorage, IDisposable
{
    private static readonly Lock SharedLock = new();
    private static readonly Dictionary<string, Shared> ByCluster = [];
    private readonly string _cluster;
    private readonly Shared _shared;
    private readonly IGrainStorageSerializer _serializer;
    private int _disposed;

    public LocalGrainStorage(string name, string serviceId, string clusterId, IGrainStorageSerializer serializer)
    {
        _serializer = serializer;
        _cluster = $"{serviceId}/{clusterId}/{name}";
        lock (SharedLock)
        {
            if (!ByCluster.TryGetValue(_cluster, out var shared)) ByCluster[_cluster] = shared = new Shared();
            shared.Silos++;
            _shared = shared;
        }
    }

    /// <summary>States held for this cluster and provider (all state names).</summary>
    public int Count => _shared.States.Count;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_shared.States.TryGetValue(new Key(stateName, grainId), out var slot))
        {
            lock (slot)
            {
                if (!slot.Removed && slot.ETag != NoETag)
                {
                    // Under the slot's lock: a write copies into the same buffer.
                    grainState.State = _serializer.Deserialize<T>(new BinaryData(slot.Data.AsMemory(0, slot.Length)));
                    grainState.ETag = ETagText(slot.ETag);
                    grainState.RecordExists = true;
                    return Task.CompletedTask;
                }
            }
        }
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new Key(stateName, grainId);
        var bytes = _serializer.Serialize(grainState.State).ToMemory().Span;
        while (true)
        {
            var slot = _shared.States.GetOrAdd(key, static _ => new Slot());
            lock (slot)
            {
                // Removed after this writer found it: look again (a write that never read may create the state anew).
                if (slot.Removed) continue;
                try
                {
                    Check(stateName, grainId, slot.ETag, grainState.ETag);
                }
                catch (InconsistentStateException) when (slot.ETag == NoETag)
                {
                    // This writer added the slot and may not create the state: it does not exist.
                    Remove(key, slot);
                    throw;
                }
                // The buffer is the state's for as long as it exists; it is replaced only when the state outgrows it.
                if (bytes.Length > slot.Data.Length) slot.Data = new byte[bytes.Length];
                bytes.CopyTo(slot.Data);
                slot.Length = bytes.Length;
                slot.ETag = Interlocked.Increment(ref _shared.LastETag);
                grainState.ETag = ETagText(slot.ETag);
                grainState.RecordExists = true;
                return Task.CompletedTask;
            }
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new Key(stateName, grainId);
        if (_shared.States.TryGetValue(key, out var slot))
        {
            lock (slot)
            {
                if (!slot.Removed && slot.ETag != NoETag)
                {
                    Check(stateName, grainId, slot.ETag, grainState.ETag);
                    Remove(key, slot);
                }
            }
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    // Under the slot's lock.
    private void Remove(Key key, Slot slot)
    {
        slot.Removed = true;
        _shared.States.TryRemove(new KeyValuePair<Key, Slot>(key, slot));
    }

    // A writer that did not read the stored version (another activation wrote since) must not overwrite it. A writer
    // that never read (ETag null) may create a state that does not exist yet.
    private static void Check(string stateName, GrainId grainId, long storedETag, string? currentETag)
    {
        var current = currentETag is null ? NoETag : long.TryParse(currentETag, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : -1;
        if (storedETag == current) return;
        var stored = ETagText(storedETag);
        throw new InconsistentStateException(
            $"State '{stateName}' of {grainId} was written by another activation (stored ETag '{stored ?? "none"}', this activation's '{currentETag ?? "none"}').",
            stored, currentETag);
    }

    private static string? ETagText(long etag) => etag == NoETag ? null : etag.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (SharedLock)
        {
            if (--_shared.Silos == 0) ByCluster.Remove(_cluster);
        }
    }

    private readonly record struct Key(string StateName, GrainId GrainId);

    // One state: its serialized bytes (the first Length of Data) and its version (0: not written yet; versions count
    // from 1). Written and read under its own lock. A slot that was cleared is removed from the dictionary and marked, so a
    // writer that found it just before looks again.
    private sealed class Slot
    {
        public byte[] Data = [];
        public int Length;
        public long ETag;
        public bool Removed;
    }

    private const long NoETag = 0;

    private sealed class Shared
    {
        public readonly ConcurrentDictionary<Key, Slot> States = new();
        public long LastETag;
        public int Silos;
    }
}
