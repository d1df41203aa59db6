namespace WebDiffusion.Server.Doctor;

/// <summary>The outcome of one doctor check.</summary>
public enum DoctorStatus
{
    /// <summary>Fine.</summary>
    Ok,

    /// <summary>Works, but something is worth fixing (does not fail the doctor).</summary>
    Warn,

    /// <summary>Broken: the doctor exits non-zero.</summary>
    Fail,
}
