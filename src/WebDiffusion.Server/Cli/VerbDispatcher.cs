namespace WebDiffusion.Server.Cli;

/// <summary>Runs a command-line verb (<c>./webui.sh doctor</c>, <c>./webui.sh models demo x</c>) instead of serving.</summary>
public sealed class VerbDispatcher(IEnumerable<ICliVerb> verbs)
{
    private readonly IReadOnlyList<ICliVerb> _verbs = [.. verbs];

    /// <summary>Runs the verb named by the first word(s) of <paramref name="args"/>; returns the exit code.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        foreach (var verb in _verbs.OrderByDescending(v => v.Name.Length))
        {
            var words = verb.Name.Split(' ');
            if (args.Count >= words.Length && words.Select((w, i) => string.Equals(w, args[i], StringComparison.Ordinal)).All(x => x))
            {
                return await verb.RunAsync([.. args.Skip(words.Length)], output, cancellationToken).ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync($"Unknown command '{string.Join(' ', args)}'. Run ./webui.sh --help for the list of commands.").ConfigureAwait(false);
        return 2;
    }
}
