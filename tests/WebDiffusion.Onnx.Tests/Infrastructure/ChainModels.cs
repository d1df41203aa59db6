using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Onnx.Tests.Infrastructure;

/// <summary>y = x^(links+1): a chain of MatMuls over a square input whose size is free ("n").</summary>
public static class ChainModels
{
    public static OnnxGraphBuilder MatMulPower(int links)
    {
        var g = new OnnxGraphBuilder("matmul-chain");
        g.Input("x", TensorElementType.Float, "n", "n");
        var current = "x";
        for (var i = 0; i < links; i++)
        {
            current = g.Op("MatMul", [current, "x"]);
        }

        g.Node("Identity", [current], ["y"]);
        g.Output("y", TensorElementType.Float, "n", "n");
        return g;
    }

    /// <summary>The n×n matrix power computed here in C#.</summary>
    public static float[] Power(float[] x, int n, int exponent)
    {
        var result = (float[])x.Clone();
        for (var e = 1; e < exponent; e++)
        {
            var next = new float[n * n];
            for (var r = 0; r < n; r++)
            {
                for (var c = 0; c < n; c++)
                {
                    var sum = 0f;
                    for (var k = 0; k < n; k++)
                    {
                        sum += result[(r * n) + k] * x[(k * n) + c];
                    }

                    next[(r * n) + c] = sum;
                }
            }

            result = next;
        }

        return result;
    }

    public static float[] CyclicPermutation(int n)
    {
        var p = new float[n * n];
        for (var r = 0; r < n; r++)
        {
            p[(r * n) + ((r + 1) % n)] = 1f;
        }

        return p;
    }

    public static float[] Identity(int n)
    {
        var m = new float[n * n];
        for (var i = 0; i < n; i++)
        {
            m[(i * n) + i] = 1f;
        }

        return m;
    }
}
