using WebDiffusion.Onnx;

namespace WebDiffusion.ModelKit.Tests.Infrastructure;

/// <summary>Runs a session on float (converted to the input's dtype), int or long inputs and returns float32 outputs.</summary>
public static class SessionRunner
{
    public static (float[] Values, long[] Shape, TensorElementType Type) Run(OrtSession session, string output, params (string Name, Array Values, long[] Shape)[] inputs)
    {
        var tensors = new List<OrtTensor>();
        try
        {
            var named = new OrtNamedTensor[inputs.Length];
            for (var i = 0; i < inputs.Length; i++)
            {
                var info = session.FindInput(inputs[i].Name) ?? throw new InvalidOperationException("no input " + inputs[i].Name);
                var tensor = ToTensor(info.ElementType, inputs[i].Values, inputs[i].Shape);
                tensors.Add(tensor);
                named[i] = new OrtNamedTensor(inputs[i].Name, tensor);
            }

            var results = session.Run(named, [output]);
            using var result = results[0];
            var values = result.ElementType == TensorElementType.Float16
                ? [.. result.GetSpan<Half>().ToArray().Select(h => (float)h)]
                : result.GetSpan<float>().ToArray();
            return (values, [.. result.Shape], result.ElementType);
        }
        finally
        {
            tensors.ForEach(t => t.Dispose());
        }
    }

    private static OrtTensor ToTensor(TensorElementType type, Array values, long[] shape)
    {
        var doubles = values switch
        {
            float[] f => f.Select(x => (double)x).ToArray(),
            int[] n => n.Select(x => (double)x).ToArray(),
            long[] l => l.Select(x => (double)x).ToArray(),
            _ => throw new ArgumentException("unsupported array"),
        };
        return type switch
        {
            TensorElementType.Float => OrtTensor.Create(doubles.Select(x => (float)x).ToArray(), shape),
            TensorElementType.Float16 => OrtTensor.Create(doubles.Select(x => (Half)x).ToArray(), shape),
            TensorElementType.Int32 => OrtTensor.Create(doubles.Select(x => (int)x).ToArray(), shape),
            TensorElementType.Int64 => OrtTensor.Create(doubles.Select(x => (long)x).ToArray(), shape),
            _ => throw new ArgumentException("unsupported input type " + type),
        };
    }
}
