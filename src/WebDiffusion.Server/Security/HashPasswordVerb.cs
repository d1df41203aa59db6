using System.Globalization;
using System.Text;
using WebDiffusion.Server.Cli;

namespace WebDiffusion.Server.Security;

/// <summary>
/// <c>./webui.sh hash-password [user] [--iterations N]</c>: reads a password from stdin (without echo on a terminal)
/// and prints its PBKDF2 hash, or <c>user:hash</c>, for <c>WebDiffusion:ApiAuth</c> in appsettings.json.
/// </summary>
public sealed class HashPasswordVerb : ICliVerb
{
    private readonly TextReader? _input;

    public HashPasswordVerb()
    {
    }

    internal HashPasswordVerb(TextReader input) => _input = input;

    public string Name => "hash-password";

    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string? user = null;
        var iterations = PasswordHash.DefaultIterations;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--iterations" && i + 1 < args.Count &&
                int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) &&
                iterations is >= PasswordHash.MinIterations and <= PasswordHash.MaxIterations)
            {
                i++;
            }
            else if (user is null && !args[i].StartsWith('-') && !args[i].Contains(':', StringComparison.Ordinal) && !args[i].Contains(',', StringComparison.Ordinal))
            {
                user = args[i];
            }
            else
            {
                await output.WriteLineAsync(
                    $"Usage: hash-password [user] [--iterations {PasswordHash.MinIterations}..{PasswordHash.MaxIterations}]  (password on stdin)").ConfigureAwait(false);
                return 2;
            }
        }

        var password = _input is null ? ReadFromConsole() : await _input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(password))
        {
            await output.WriteLineAsync("No password on stdin. Example: ./webui.sh hash-password alice < password.txt").ConfigureAwait(false);
            return 2;
        }

        var hash = PasswordHash.Create(password, iterations);
        await output.WriteLineAsync(user is null ? hash : user + ":" + hash).ConfigureAwait(false);
        return 0;
    }

    private static string? ReadFromConsole()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        Console.Error.Write("Password (not shown): ");
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
