namespace WebDiffusion.Server.Doctor;

/// <summary>One line of the doctor's report: what was checked, the outcome, what was found and what to do about it.</summary>
public sealed record DoctorCheckResult(string Name, DoctorStatus Status, string Message, string? Fix = null)
{
    /// <summary>An OK line.</summary>
    public static DoctorCheckResult Ok(string name, string message) => new(name, DoctorStatus.Ok, message);

    /// <summary>A WARN line with what to do.</summary>
    public static DoctorCheckResult Warn(string name, string message, string? fix = null) => new(name, DoctorStatus.Warn, message, fix);

    /// <summary>A FAIL line with what to do.</summary>
    public static DoctorCheckResult Fail(string name, string message, string? fix = null) => new(name, DoctorStatus.Fail, message, fix);
}
