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
                    "Run ./webui.sh once (it fetches libonnxruntime.so.1 into .cache/), or point --onnxruntime / WebDiffusion__OnnxRuntimePath at libonnxruntime.so.1 (1.22 or newer)."),
            ]
            :
            [
                DoctorCheckResult.Ok("ONNX Runtime", $"{status.Version} from {status.LibraryPath}"),
                DoctorCheckResult.Ok("Providers", string.Join(", ", status.Providers)),
            ];
        return Task.FromResult(results);
    }
}
