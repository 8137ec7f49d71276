namespace OrleansScheduler.Grains;

/// <summary>
/// Group commit for a grain's state: every caller that changes the state asks for a write and awaits it; callers that
/// arrive while a write is in flight share the next one, so a burst of thousands of changes costs a handful of writes.
/// Use it from one activation (its turns are serial; the grain is reentrant so callers can join a write in flight).
/// </summary>
internal sealed class GroupCommit(Func<Task> write)
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
            await Task.Yield(); // let the other callers of this turn join the write
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
