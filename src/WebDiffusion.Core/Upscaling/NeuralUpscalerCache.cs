using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// Keeps the most recently used <see cref="NeuralUpscaler"/> open (compiling and opening one costs more than a small
/// upscale), replacing it when another file is asked for. Callers serialize use (Extras runs one request at a time).
/// </summary>
public sealed class NeuralUpscalerCache(OrtRuntime runtime) : IDisposable
{
    private readonly Lock _gate = new();
    private NeuralUpscaler? _current;

    /// <summary>The upscaler for <paramref name="path"/>, opened on first use.</summary>
    /// <exception cref="Checkpoints.CheckpointFormatException">The file is malformed, refused or not a supported upscaler.</exception>
    public NeuralUpscaler Get(string path)
    {
        var full = Path.GetFullPath(path);
        lock (_gate)
        {
            if (_current?.FilePath == full)
            {
                return _current;
            }

            _current?.Dispose();
            _current = null;
            _current = NeuralUpscaler.Open(runtime, full);
            return _current;
        }
    }

    /// <summary>Closes the open upscaler.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }
    }
}
