using System.Runtime.InteropServices;

namespace WebDiffusion.Server.Doctor;

/// <summary>The operating system and the .NET runtime.</summary>
public sealed class PlatformDoctorCheck : IDoctorCheck
{
    /// <inheritdoc />
    public Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var os = $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), {Environment.ProcessorCount} CPU threads";
        IReadOnlyList<DoctorCheckResult> results =
        [
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.OSArchitecture == Architecture.X64
                ? DoctorCheckResult.Ok("OS", os)
                : DoctorCheckResult.Warn("OS", os, "WebDiffusion is built and tested on Linux x64; other platforms need their own ONNX Runtime library (--onnxruntime)."),
            Environment.Version.Major >= 10
                ? DoctorCheckResult.Ok(".NET", RuntimeInformation.FrameworkDescription)
                : DoctorCheckResult.Fail(".NET", RuntimeInformation.FrameworkDescription, "Install the .NET 10 runtime (or SDK)."),
        ];
        return Task.FromResult(results);
    }
}
