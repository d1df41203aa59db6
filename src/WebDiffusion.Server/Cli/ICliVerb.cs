namespace WebDiffusion.Server.Cli;

/// <summary>A command-line verb of the server.</summary>
public interface ICliVerb
{
    /// <summary>The words that name the verb, e.g. "models demo".</summary>
    string Name { get; }

    /// <summary>Runs the verb with the arguments after its name; returns the process exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken);
}
