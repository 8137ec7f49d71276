namespace OrleansScheduler.Grains;

/// <summary>
/// Group commit for a grain's state: every caller that changes the state asks for a write and awaits it; callers that
/// arrive while a write is in flight share the next one, so a burst of thousands of changes costs a handful of writes.
/// Use it from one activation (its turns are serial; the grain is reentrant so callers can join a write in flight).
/// A <c>linger</c> makes a write wait before it starts, so that more changes share it (for a state that is costly to
/// serialize: every write stores all of it).
/// </summary>
internal sealed class GroupCommit(Func<Task> write, Func<TimeSpan>? linger = null)
{
    private Task? _write;
    private bool _dirty;

    /// <summary>Completes once a write that started after this call has finished.</summary>
    public Task WriteSoonAsync()
    {
        _dirty = true;
        return _write ??= WriteLoopAsync();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            // Let the other callers of this turn join the write; a state that is costly to write waits a little for more.
            if (linger?.Invoke() is { } wait && wait > TimeSpan.Zero) await Task.Delay(wait);
            else await Task.Yield();
            while (_dirty)
            {
                _dirty = false;
                await write();
            }
        }
        finally
        {
            _write = null;
        }
    }
}
