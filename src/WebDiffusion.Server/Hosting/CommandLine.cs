namespace WebDiffusion.Server.Hosting;

/// <summary>
/// The parsed command line: A1111-style flags turned into configuration values, and an optional verb
/// (<c>doctor</c>, <c>models ...</c>) that runs instead of the server.
/// </summary>
public sealed record CommandLine(
    IReadOnlyDictionary<string, string?> Settings,
    IReadOnlyList<string> Verb,
    bool ShowHelp,
    string? ContentRoot)
{
    private static readonly Dictionary<string, string> ValueFlags = new(StringComparer.Ordinal)
    {
        ["--port"] = "WebDiffusion:Port",
        ["--api-auth"] = "WebDiffusion:ApiAuth",
        ["--models-dir"] = "WebDiffusion:ModelsDir",
        ["--data-dir"] = "WebDiffusion:DataDir",
        ["--cors-allow-origins"] = "WebDiffusion:CorsOrigins",
    };

    private static readonly Dictionary<string, string> SwitchFlags = new(StringComparer.Ordinal)
    {
        ["--listen"] = "WebDiffusion:Listen",
        ["--insecure-no-auth"] = "WebDiffusion:InsecureNoAuth",
    };

    /// <summary>The help text printed by <c>./webui.sh --help</c>.</summary>
    public const string HelpText = """
        WebDiffusion - Stable Diffusion web UI on ONNX Runtime

        Usage: ./webui.sh [flags]            serve the UI and API (http://127.0.0.1:7860)
               ./webui.sh <verb> [args]      run a command instead of serving (the flags below
                                             may come before or after the verb)

        Flags (also settable in appsettings.json, section "WebDiffusion", or as
        environment variables such as WebDiffusion__Port=7861):
          --port N               port to listen on (default 7860)
          --listen               bind 0.0.0.0 instead of 127.0.0.1 (requires --api-auth)
          --api-auth U:P[,U:P]   credentials for the UI (sign-in page) and the API (HTTP Basic);
                                 P may be a hash from the hash-password verb; prefer
                                 WebDiffusion:ApiAuth in appsettings.json (argv is visible to others)
          --insecure-no-auth     allow --listen without credentials (not recommended)
          --cors-allow-origins O[,O]  browser origins (https://host[:port]) allowed to call the API
                                 from another site; CORS is off without it
          --models-dir DIR       models folder (default ./models)
          --data-dir DIR         data folder: queue database, outputs, settings (default ./data)
          --content-root DIR     folder holding appsettings.json and wwwroot/
          --help                 this text

        Verbs:
          doctor                       check the install and run a 1-step demo generation
          models list                  list the models found and their problems
          models demo <name>           write a tiny demo model into models/Stable-diffusion/<name>
          models pull <repo> [--revision R] [--name N]   download an ONNX model from a Hugging Face hub
          hash-password [user]         read a password on stdin, print its hash for ApiAuth
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the bad flag.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var verb = new List<string>();
        var help = false;
        string? contentRoot = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var (flag, inlineValue) = SplitFlag(arg);
            if (verb.Count > 0 && !IsServerFlag(flag))
            {
                // After the verb, the server's own flags still configure it (./webui.sh models list --models-dir D);
                // every other word is the verb's.
                verb.Add(arg);
                continue;
            }

            if (flag is "--help" or "-h")
            {
                help = true;
            }
            else if (SwitchFlags.TryGetValue(flag, out var switchKey))
            {
                settings[switchKey] = inlineValue ?? "true";
            }
            else if (ValueFlags.TryGetValue(flag, out var valueKey))
            {
                settings[valueKey] = inlineValue ?? TakeValue(args, ref i, flag);
            }
            else if (flag is "--content-root" or "--contentRoot")
            {
                contentRoot = inlineValue ?? TakeValue(args, ref i, flag);
            }
            else if (flag.StartsWith('-'))
            {
                throw new ArgumentException($"Unknown flag '{flag}'. Run ./webui.sh --help for the list of flags.");
            }
            else
            {
                verb.Add(arg);
            }
        }

        if (settings.TryGetValue("WebDiffusion:Port", out var port) && !int.TryParse(port, out _))
        {
            throw new ArgumentException($"--port expects a number, got '{port}'.");
        }

        return new CommandLine(settings, verb, help, contentRoot);
    }

    private static bool IsServerFlag(string flag) =>
        SwitchFlags.ContainsKey(flag) || ValueFlags.ContainsKey(flag) || flag is "--content-root" or "--contentRoot";

    private static (string Flag, string? Value) SplitFlag(string arg)
    {
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                return (arg[..eq], arg[(eq + 1)..]);
            }
        }

        return (arg, null);
    }

    private static string TakeValue(IReadOnlyList<string> args, ref int i, string flag)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{flag} needs a value.");
        }

        i++;
        return args[i];
    }
}
