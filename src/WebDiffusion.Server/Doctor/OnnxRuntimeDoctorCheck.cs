using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.Doctor;

/// <summary>ONNX Runtime: the version and library loaded, and its execution providers.</summary>
public sealed class OnnxRuntimeDoctorCheck(OnnxRuntimeStatusProvider runtime) : IDoctorCheck
{
    /// <inheritdoc />
    public Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var status = runtime.Current;
        IReadOnlyList<DoctorCheckResult> results = status.Error is not null
            ?
            [
                DoctorCheckResult.Fail("ONNX Runtime", "not loaded: " + status.Error,
                    "ONNX Runtime comes with the Microsoft.ML.OnnxRuntime NuGet package: rebuild (./webui.sh) so its native library is next to the app."),
            ]
            :
            [
                DoctorCheckResult.Ok("ONNX Runtime", $"{status.Version} from {status.LibraryPath}"),
                DoctorCheckResult.Ok("Providers", string.Join(", ", status.Providers)),
            ];
        return Task.FromResult(results);
    }
}
