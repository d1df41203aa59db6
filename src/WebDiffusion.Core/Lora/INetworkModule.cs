namespace WebDiffusion.Core.Lora;

/// <summary>
/// One module of a LoRA-family file (kohya LoRA/LoCon, LyCORIS LoHa or LoKr): the change it makes to one checkpoint
/// weight, <c>multiplier · scale · ΔW</c>, with ΔW read as an [out, in·kh·kw] matrix.
/// </summary>
public interface INetworkModule
{
    /// <summary>The kohya module name (<c>lora_unet_…</c>, <c>lora_te_…</c>).</summary>
    string Name { get; }

    /// <summary>The factors' shapes, for messages (e.g. <c>up [320, 4] · down [4, 320]</c>).</summary>
    string ShapeText { get; }

    /// <summary>Whether the change has the shape of a weight <paramref name="shape"/>.</summary>
    bool Fits(IReadOnlyList<long> shape);

    /// <summary>Adds <paramref name="multiplier"/> · scale · ΔW to <paramref name="weight"/> (row-major, of shape <paramref name="shape"/>).</summary>
    /// <exception cref="ArgumentException">The module does not fit the weight (check with <see cref="Fits"/>).</exception>
    void AddTo(float[] weight, IReadOnlyList<long> shape, float multiplier);
}
