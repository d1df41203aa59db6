namespace WebDiffusion.Onnx.ModelWriter;

/// <summary>One dimension of a graph input or output: a fixed size or a named symbolic size.</summary>
public readonly record struct OnnxDim
{
    private OnnxDim(long? value, string? symbol)
    {
        Value = value;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Value { get; }

    /// <summary>The symbol (e.g. "batch"), or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    /// <summary>A fixed dimension.</summary>
    public static OnnxDim Fixed(long value) =>
        value >= 0 ? new OnnxDim(value, null) : throw new ArgumentOutOfRangeException(nameof(value), value, "A dimension is ≥ 0.");

    /// <summary>A symbolic (free) dimension.</summary>
    public static OnnxDim Named(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return new OnnxDim(null, symbol);
    }

    /// <summary>A fixed dimension from a number.</summary>
    public static implicit operator OnnxDim(long value) => Fixed(value);

    /// <summary>A symbolic dimension from a name.</summary>
    public static implicit operator OnnxDim(string symbol) => Named(symbol);

    /// <summary>Alternative to the implicit conversion from a number.</summary>
    public static OnnxDim FromInt64(long value) => Fixed(value);

    /// <summary>Alternative to the implicit conversion from a name.</summary>
    public static OnnxDim FromString(string symbol) => Named(symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
