namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>Collects (full name, shape) of a generated checkpoint's tensors under one key prefix, in torch's layouts.</summary>
public sealed class CheckpointLayoutList(string prefix)
{
    public List<(string Name, long[] Shape)> Tensors { get; } = [];

    public void Add(string key, params long[] shape) => Tensors.Add((prefix + key, shape));

    /// <summary><c>nn.Linear</c>: weight [out, in] and bias [out].</summary>
    public void Linear(string key, long inFeatures, long outFeatures)
    {
        Add(key + ".weight", outFeatures, inFeatures);
        Add(key + ".bias", outFeatures);
    }

    /// <summary><c>nn.Conv2d</c>: weight [out, in, k, k] and bias [out].</summary>
    public void Conv(string key, long inChannels, long outChannels, long kernel)
    {
        Add(key + ".weight", outChannels, inChannels, kernel, kernel);
        Add(key + ".bias", outChannels);
    }

    /// <summary>GroupNorm / LayerNorm: weight and bias [channels].</summary>
    public void Norm(string key, long channels)
    {
        Add(key + ".weight", channels);
        Add(key + ".bias", channels);
    }
}
