namespace WebDiffusion.Core.Lora;

/// <summary>
/// One low-rank pair of a kohya/A1111 LoRA file: <c>{name}.lora_down.weight</c> [rank, in(, kh, kw)],
/// <c>{name}.lora_up.weight</c> [out, rank(, 1, 1)] and <c>{name}.alpha</c> (absent: alpha = rank, i.e. scale 1).
/// The change to the target weight is <c>multiplier · (alpha / rank) · up · down</c>, the factors read as matrices
/// [out, rank] and [rank, in·kh·kw].
/// </summary>
/// <param name="Name">The kohya module name (<c>lora_unet_…</c>, <c>lora_te_…</c>).</param>
/// <param name="Down">The down factor, row-major.</param>
/// <param name="DownShape">Its shape.</param>
/// <param name="Up">The up factor, row-major.</param>
/// <param name="UpShape">Its shape.</param>
/// <param name="Alpha">The alpha value, or null when the file has none.</param>
public sealed record LoraModule(string Name, float[] Down, long[] DownShape, float[] Up, long[] UpShape, float? Alpha) : INetworkModule
{
    /// <summary>The rank (the down factor's first dimension).</summary>
    public int Rank => (int)DownShape[0];

    /// <summary>Rows of the change (the up factor's first dimension).</summary>
    public int OutFeatures => (int)UpShape[0];

    /// <summary>Columns of the change: the down factor's elements per rank row (in·kh·kw).</summary>
    public int InFeatures => Down.Length / Rank;

    /// <summary>alpha / rank (1 without alpha), as A1111's <c>calc_scale</c>.</summary>
    public float Scale => Alpha is { } alpha ? alpha / Rank : 1f;

    /// <inheritdoc />
    public string ShapeText => $"up [{string.Join(", ", UpShape)}] · down [{string.Join(", ", DownShape)}]";

    /// <inheritdoc />
    public bool Fits(IReadOnlyList<long> shape) => LoraMerger.Fits(this, shape);

    /// <inheritdoc />
    public void AddTo(float[] weight, IReadOnlyList<long> shape, float multiplier) => LoraMerger.AddTo(weight, shape, this, multiplier);
}
