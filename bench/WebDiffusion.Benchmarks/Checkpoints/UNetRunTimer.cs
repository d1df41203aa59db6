using System.Diagnostics;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// Times <c>Run</c> of a UNet session (inputs <c>sample</c>, <c>timestep</c>, <c>encoder_hidden_states</c>) on fixed,
/// deterministic inputs, the same for every session, so outputs of two graphs of the same weights can be compared.
/// </summary>
public static class UNetRunTimer
{
    /// <summary>The seconds of the first Run and of <paramref name="runs"/> more, and the last Run's first output.</summary>
    public static (List<double> Seconds, float[] Output) Time(OrtSession session, int latent, int batch, long contextDim, int runs)
    {
        ArgumentNullException.ThrowIfNull(session);
        var sample = Filled(batch * 4 * latent * latent, 0.37f);
        var context = Filled(checked((int)(batch * 77 * contextDim)), 0.11f);
        var timesteps = Enumerable.Range(0, batch).Select(i => i % 2 == 0 ? 999f : 500f).ToArray();
        using var sampleTensor = OrtTensor.Create(sample, [batch, 4, latent, latent]);
        using var timestepTensor = OrtTensor.Create(timesteps, [batch]);
        using var contextTensor = OrtTensor.Create(context, [batch, 77, contextDim]);
        OrtNamedTensor[] inputs = [new("sample", sampleTensor), new("timestep", timestepTensor), new("encoder_hidden_states", contextTensor)];
        var times = new List<double>();
        var output = Array.Empty<float>();
        var clock = new Stopwatch();
        for (var r = 0; r <= runs; r++)
        {
            clock.Restart();
            var outputs = session.Run(inputs);
            times.Add(clock.Elapsed.TotalSeconds);
            output = outputs[0].ToArray<float>();
            foreach (var o in outputs)
            {
                o.Dispose();
            }
        }

        return (times, output);
    }

    private static float[] Filled(int count, float step)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = MathF.Sin(i * step);
        }

        return values;
    }
}
