using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// An ONNX graph built from a checkpoint. Its weights are external data that point into the checkpoint file itself
/// (offset and length of each tensor), so the protobuf holds only the graph and ORT maps the weights from the file when
/// a session opens: no copy of the checkpoint is written, and the 2 GB protobuf limit does not apply.
/// </summary>
/// <param name="Name">What the graph is (e.g. <c>unet</c>), used in error messages.</param>
/// <param name="Model">The serialized ONNX model.</param>
/// <param name="WeightsFile">The checkpoint file the weights are read from.</param>
public sealed record CompiledGraph(string Name, byte[] Model, string WeightsFile)
{
    /// <summary>ORT's session option naming the folder that external data of a model loaded from memory is relative to.</summary>
    public const string ExternalDataFolderKey = "session.model_external_initializers_file_folder_path";

    /// <summary>Opens a session of this graph; <paramref name="options"/> is not changed.</summary>
    /// <exception cref="OrtException">ORT refused the graph or could not read a weight from the checkpoint.</exception>
    public OrtSession Open(OrtRuntime runtime, OrtSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var sessionOptions = options?.Clone() ?? new OrtSessionOptions();
        sessionOptions.ConfigEntries[ExternalDataFolderKey] = Path.GetDirectoryName(Path.GetFullPath(WeightsFile))!;
        return runtime.CreateSession(Model, sessionOptions, [], $"{Name} compiled from {Path.GetFileName(WeightsFile)}");
    }
}
