using Microsoft.Extensions.Options;
using WebDiffusion.ModelKit;
using WebDiffusion.Onnx;
using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.Doctor;

/// <summary>
/// Asks ONNX Runtime for the CUDA execution provider on a tiny model and reports what happened: CUDA works, or why
/// the session fell back to the CPU (the reason names the provider library that is missing). Not having CUDA is fine
/// unless the user asked for it (<c>ExecutionProvider=cuda</c>: WARN) or required it (<c>RequireCuda</c>: FAIL).
/// </summary>
public sealed class CudaDoctorCheck(OnnxRuntimeStatusProvider runtime, IOptions<ExecutionProviderOptions> options) : IDoctorCheck
{
    private const string Name = "CUDA";

    private const string Fix =
        "For a GPU: NVIDIA driver, CUDA 12 and cuDNN 9, and ONNX Runtime 1.22.0's GPU libraries (libonnxruntime.so.1, " +
        "libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so) in one folder given to --onnxruntime — " +
        "the Docker image has all of it (README: Running on a cloud GPU host).";

    /// <inheritdoc />
    public async Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var ort = runtime.Runtime;
        if (ort is null)
        {
            return [DoctorCheckResult.Warn(Name, "not checked: ONNX Runtime is not loaded.")];
        }

        var result = await Task.Run(() => Probe(ort), cancellationToken).ConfigureAwait(false);
        return [result];
    }

    private DoctorCheckResult Probe(OrtRuntime ort)
    {
        var wanted = options.Value;
        string reason;
        try
        {
            using var scratch = new ScratchFolder("doctor-cuda");
            TinyModelWriter.WriteModel(scratch.Path, TinyModelVariant.Fp32);
            var model = Path.Combine(scratch.Path, "vae_decoder", "model.onnx");
            using var session = ort.CreateSession(model, new OrtSessionOptions
            {
                ExecutionProvider = OrtExecutionProvider.Cuda,
                RequireCuda = false,
                IntraOpThreads = 1,
            });
            if (session.ExecutionProvider == OrtExecutionProvider.Cuda)
            {
                return DoctorCheckResult.Ok(Name, "the CUDA execution provider loads; generation can run on the GPU.");
            }

            reason = session.ExecutionProviderFallbackReason ?? "the session runs on the CPU.";
        }
        catch (OrtException ex)
        {
            reason = ex.Message;
        }

        if (wanted.RequireCuda)
        {
            return DoctorCheckResult.Fail(Name, "required (RequireCuda) but not usable: " + reason, Fix);
        }

        return wanted.CudaRequested
            ? DoctorCheckResult.Warn(Name, "requested but not usable, generation falls back to the CPU: " + reason, Fix)
            : DoctorCheckResult.Ok(Name, "not used: CPU only (" + reason + ")");
    }
}
