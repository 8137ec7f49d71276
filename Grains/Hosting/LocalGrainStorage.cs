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
/// young collector promoted. Here a write is a dictionary update.
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
        if (_shared.States.TryGetValue(new Key(stateName, grainId), out var stored))
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(stored.Data));
            grainState.ETag = ETagText(stored.ETag);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new Key(stateName, grainId);
        var written = new Stored(_serializer.Serialize(grainState.State).ToMemory(), Interlocked.Increment(ref _shared.LastETag));
        while (true)
        {
            if (_shared.States.TryGetValue(key, out var stored))
            {
                Check(stateName, grainId, stored.ETag, grainState.ETag);
                if (!_shared.States.TryUpdate(key, written, stored)) continue;
            }
            else
            {
                Check(stateName, grainId, NoETag, grainState.ETag);
                if (!_shared.States.TryAdd(key, written)) continue;
            }
            grainState.ETag = ETagText(written.ETag);
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = new Key(stateName, grainId);
        while (_shared.States.TryGetValue(key, out var stored))
        {
            Check(stateName, grainId, stored.ETag, grainState.ETag);
            if (_shared.States.TryRemove(new KeyValuePair<Key, Stored>(key, stored))) break;
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
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

    // The serialized state and its version (0 never occurs: versions count from 1). A struct in the dictionary's node: a
    // million idle jobs keep a million of these, so no wrapper object and no ETag string per state.
    private readonly record struct Stored(ReadOnlyMemory<byte> Data, long ETag);

    private const long NoETag = 0;

    private sealed class Shared
    {
        public readonly ConcurrentDictionary<Key, Stored> States = new();
        public long LastETag;
        public int Silos;
    }
}
