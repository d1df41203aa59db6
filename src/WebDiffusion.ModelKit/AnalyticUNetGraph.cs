using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.ModelKit;

/// <summary>
/// The exact eps-prediction for data x0 ~ N(mu, s²) per element, as k-diffusion drives an eps model:
/// <c>sample</c> = x·c_in with c_in = 1/sqrt(σ²+1), and <c>timestep</c> t (float32 [batch], fractional allowed).
/// σ(t) comes from the model's own sigma table: Gather at floor(t) and ceil(t), linear interpolation of log σ, Exp.
/// Then x = sample·sqrt(σ²+1), D = (s²·x + σ²·mu)/(s²+σ²), eps = (x − D)/σ, computed in the algebraically equal,
/// cancellation-free form eps = σ·(x − mu)/(s² + σ²). <c>encoder_hidden_states</c> is an input and is ignored.
/// </summary>
internal static class AnalyticUNetGraph
{
    public static void Write(string path, AnalyticModelParameters parameters)
    {
        var g = new TinyGraph("analytic_unet", half: false, seed: 0);
        var sample = g.FloatInput("sample", "batch", 4, "height", "width");
        g.Builder.Input("timestep", TensorElementType.Float, "batch");
        g.Builder.Input("encoder_hidden_states", TensorElementType.Float, "batch", "sequence", TinyModelWriter.TextHiddenSize);

        var logSigmas = TrainingSigmas.Compute().Select(s => (float)Math.Log(s)).ToArray();
        var table = g.Builder.Initializer("log_sigmas", OnnxTensorData.FromFloats(logSigmas, logSigmas.Length));
        var last = logSigmas.Length - 1;
        var t = g.Op("Clip", "timestep", g.Floats([0f]), g.Floats([last]));
        var low = g.Op("Floor", t);
        var high = g.Op("Ceil", t);
        var weight = g.Op("Sub", t, low);
        var logLow = g.Op("Gather", [table, g.Cast(low, TensorElementType.Int64)], OnnxAttribute.Int("axis", 0));
        var logHigh = g.Op("Gather", [table, g.Cast(high, TensorElementType.Int64)], OnnxAttribute.Int("axis", 0));
        var logSigma = g.Op("Add", logLow, g.Op("Mul", weight, g.Op("Sub", logHigh, logLow)));
        var sigma = g.Op("Reshape", g.Op("Exp", logSigma), g.Int64s(-1, 1, 1, 1));
        var sigma2 = g.Op("Mul", sigma, sigma);

        var x = g.Op("Mul", sample, g.Op("Sqrt", g.Op("Add", sigma2, g.Floats([1f]))));
        var s2 = parameters.StdDev * parameters.StdDev;
        var numerator = g.Op("Mul", sigma, g.Op("Sub", x, g.Floats([parameters.Mean])));
        var eps = g.Op("Div", numerator, g.Op("Add", sigma2, g.Floats([s2])));
        g.FloatOutput(eps, "out_sample", "batch", 4, "height", "width");
        g.Builder.Metadata("webdiffusion.analytic.mean", parameters.Mean.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        g.Builder.Metadata("webdiffusion.analytic.std", parameters.StdDev.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        g.Builder.Save(path);
    }
}
