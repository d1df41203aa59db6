namespace WebDiffusion.Server.Doctor;

/// <summary>One area <c>./webui.sh doctor</c> checks; runs in registration order.</summary>
public interface IDoctorCheck
{
    /// <summary>Runs the check; never throws for what it checks (a problem is a WARN or FAIL line).</summary>
    Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken);
}
