namespace OrleansScheduler.Cli;

/// <summary>The client could not connect to the cluster at start; exit code 6.</summary>
internal sealed class ClusterUnreachableException(string message, Exception inner) : Exception(message, inner);
