using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Server.Doctor;

/// <summary>Writes the tiny demo model into a temporary folder and runs the <see cref="IDoctorGenerationCheck"/> on it.</summary>
public sealed class GenerationDoctorCheck(IDoctorGenerationCheck generation) : IDoctorCheck
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        using var scratch = new ScratchFolder("doctor-model");
        var folder = Path.Combine(scratch.Path, "tiny");
        try
        {
            TinyModelWriter.WriteModel(folder, TinyModelVariant.Fp32, ClipTokenizer.Default.WriteHuggingFaceFiles);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return [DoctorCheckResult.Fail("Generation", $"cannot write the tiny demo model to {scratch.Path}: {ex.Message}",
                "Check that the temp folder (TMPDIR) is writable.")];
        }

        return [await generation.RunAsync(folder, cancellationToken).ConfigureAwait(false)];
    }
}
