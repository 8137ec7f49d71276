namespace OrleansScheduler.Cli.Input;

/// <summary>
/// The job file of <c>import</c> cannot be read or parsed; the message names the file, the line and what is wrong.
/// Nothing was submitted. Exit code 2.
/// </summary>
internal sealed class JobFileException(string message, Exception? inner = null) : Exception(message, inner);
