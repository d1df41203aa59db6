using Microsoft.Extensions.Options;
using WebDiffusion.Server.Doctor;

namespace WebDiffusion.Server.Cli;

/// <summary>
/// <c>./webui.sh doctor</c>: checks the install (OS, .NET, ONNX Runtime, CUDA, models, data folder, port, exposure)
/// and runs a 1-step generation on the tiny demo model. One OK/WARN/FAIL line per finding with what to do; exit code 1
/// when anything FAILs. A configuration the server would refuse is reported as FAIL lines instead of crashing.
/// </summary>
public sealed class DoctorVerb(IServiceProvider services) : ICliVerb
{
    /// <inheritdoc />
    public string Name => "doctor";

    /// <inheritdoc />
    public async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Count > 0)
        {
            await output.WriteLineAsync($"doctor takes no arguments (got '{string.Join(' ', args)}').").ConfigureAwait(false);
            return 2;
        }

        var counts = new Dictionary<DoctorStatus, int> { [DoctorStatus.Ok] = 0, [DoctorStatus.Warn] = 0, [DoctorStatus.Fail] = 0 };
        async Task Write(DoctorCheckResult result)
        {
            counts[result.Status]++;
            await output.WriteLineAsync(Format(result)).ConfigureAwait(false);
        }

        try
        {
            foreach (var check in services.GetServices<IDoctorCheck>().ToList())
            {
                foreach (var result in await check.RunAsync(cancellationToken).ConfigureAwait(false))
                {
                    await Write(result).ConfigureAwait(false);
                }
            }
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Write(DoctorCheckResult.Fail("Configuration", failure, "Fix the setting in appsettings.json, the environment or the command line; the server refuses to start until then.")).ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync(
            $"doctor: {counts[DoctorStatus.Ok]} OK, {counts[DoctorStatus.Warn]} WARN, {counts[DoctorStatus.Fail]} FAIL").ConfigureAwait(false);
        return counts[DoctorStatus.Fail] > 0 ? 1 : 0;
    }

    /// <summary>"OK    ONNX Runtime  1.22.0 from …" on one line, with the fix on a second, indented line.</summary>
    public static string Format(DoctorCheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var status = result.Status switch
        {
            DoctorStatus.Ok => "OK",
            DoctorStatus.Warn => "WARN",
            _ => "FAIL",
        };
        var line = $"{status,-4}  {result.Name,-13} {OneLine(result.Message)}";
        return result.Fix is null ? line : line + Environment.NewLine + new string(' ', 20) + "→ " + OneLine(result.Fix);
    }

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace(" )", ")", StringComparison.Ordinal);
}
