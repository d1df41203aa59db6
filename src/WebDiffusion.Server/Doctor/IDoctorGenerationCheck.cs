namespace WebDiffusion.Server.Doctor;

/// <summary>Runs a 1-step generation on the model in <c>modelFolder</c> and says whether a sound image came out.</summary>
public interface IDoctorGenerationCheck
{
    /// <summary>Generates once on the model in <paramref name="modelFolder"/>; a failure is a FAIL result, not an exception.</summary>
    Task<DoctorCheckResult> RunAsync(string modelFolder, CancellationToken ct);
}
