namespace OrleansScheduler.Jobs;

/// <summary>What a create call did.</summary>
public enum CreateJobResult
{
    /// <summary>A new job was created.</summary>
    Created = 0,

    /// <summary>The job existed with the same definition; nothing changed.</summary>
    Unchanged = 1,

    /// <summary>The job existed with another definition and the caller asked for upsert: it was replaced.</summary>
    Updated = 2,
}
