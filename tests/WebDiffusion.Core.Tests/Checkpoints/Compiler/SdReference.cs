using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>
/// The tiny A1111-layout checkpoint in ../shared/testdata/sd-reference and what the original PyTorch code computes from
/// it (read its README): paths, .npy inputs and references, and running a compiled graph over the checkpoint.
/// </summary>
public static class SdReference
{
    /// <summary>The fp32 checkpoint.</summary>
    public static string Fp32Checkpoint => SharedTestData.File("sd-reference", "tiny-sd15.safetensors");

    /// <summary>The fp16 checkpoint (schedule buffers stay fp32).</summary>
    public static string Fp16Checkpoint => SharedTestData.File("sd-reference", "tiny-sd15-fp16.safetensors");

    /// <summary>An input array, e.g. <c>Input("unet_x")</c>.</summary>
    public static NpyArray Input(string name) => NpyArray.Read(SharedTestData.File("sd-reference", "inputs", name + ".npy"));

    /// <summary>A reference computed with the fp32 checkpoint (<paramref name="fp16Weights"/>: with the fp16 one).</summary>
    public static NpyArray Reference(string name, bool fp16Weights = false) =>
        NpyArray.Read(SharedTestData.File("sd-reference", fp16Weights ? "ref_fp16w" : "ref", name + ".npy"));

    /// <summary>Opens the fp32 or fp16 checkpoint.</summary>
    public static SafetensorsFile Open(bool fp16 = false) => SafetensorsFile.Open(fp16 ? Fp16Checkpoint : Fp32Checkpoint);

    /// <summary>Runs <paramref name="graph"/> (weights from its checkpoint file); returns every output as float32 arrays.</summary>
    public static Dictionary<string, (float[] Values, long[] Shape)> Run(
        CompiledGraph graph, params (string Name, OrtTensor Tensor)[] inputs)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var session = graph.Open(ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 });
        var named = inputs.Select(i => new OrtNamedTensor(i.Name, i.Tensor)).ToArray();
        var outputs = session.Run(named);
        try
        {
            var names = session.Outputs.Select(o => o.Name).ToArray();
            var result = new Dictionary<string, (float[], long[])>(StringComparer.Ordinal);
            for (var i = 0; i < outputs.Length; i++)
            {
                result[names[i]] = (outputs[i].ToArray<float>(), [.. outputs[i].Shape]);
            }

            return result;
        }
        finally
        {
            foreach (var output in outputs)
            {
                output.Dispose();
            }
        }
    }

    /// <summary>An ORT tensor over a float .npy array.</summary>
    public static OrtTensor FloatTensor(NpyArray array) => OrtTensor.Create(array.Floats, array.Shape);

    /// <summary>An ORT tensor over an int64 .npy array.</summary>
    public static OrtTensor Int64Tensor(NpyArray array) => OrtTensor.Create(array.Int64s, array.Shape);

    /// <summary>max |a − b| over two equally long arrays.</summary>
    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }
}
