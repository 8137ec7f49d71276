namespace OrleansScheduler.Cli;

/// <summary>The CLI's exit codes; scripts rely on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected failed; the message says what.</summary>
    public const int Unexpected = 1;

    /// <summary>The command line is wrong: unknown command or option, missing or malformed value; or the file of <c>import</c> does not parse (nothing was created).</summary>
    public const int Usage = 2;

    /// <summary>No job has the given id.</summary>
    public const int NotFound = 3;

    /// <summary>A job with this id exists with another definition (add without --upsert).</summary>
    public const int Conflict = 4;

    /// <summary>The cluster or the client rejected a value; the message names the field. For <c>import</c>: at least one definition was refused (the others went through).</summary>
    public const int Validation = 5;

    /// <summary>The cluster could not be reached (nothing listening, wrong ids, timed out).</summary>
    public const int Unreachable = 6;

    /// <summary>Interrupted with Ctrl+C before a non-watch command finished (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
