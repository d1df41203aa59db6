namespace WebDiffusion.Core.Text.Prompts;

/// <summary>
/// Which extra-network tags of a prompt name a file that exists, as A1111 sorts them before a run: a <c>&lt;lora:…&gt;</c>
/// or <c>&lt;lyco:…&gt;</c> tag whose file is not in models/Lora is skipped with "Lora not found: name" and the image is
/// generated without it; tags of other kinds (hypernetworks, unknown words) are skipped as well. The tags stay in the
/// prompt as written (the infotext keeps them); only the conditioning ignores them.
/// </summary>
public static class ExtraNetworkAvailability
{
    /// <summary>The tags of <paramref name="prompts"/> sorted into those naming a LoRA in <paramref name="loraNames"/> and the skipped rest.</summary>
    public static (IReadOnlyList<ExtraNetworkTag> Present, IReadOnlyList<ExtraNetworkTag> Skipped) Sort(IEnumerable<string> prompts, IReadOnlySet<string> loraNames)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(loraNames);
        var present = new List<ExtraNetworkTag>();
        var skipped = new List<ExtraNetworkTag>();
        foreach (var prompt in prompts)
        {
            foreach (var tag in ExtraNetworkParser.Extract(prompt ?? string.Empty).Tags)
            {
                (IsLora(tag) && loraNames.Contains(tag.Name) ? present : skipped).Add(tag);
            }
        }

        return (present, skipped);
    }

    /// <summary>
    /// A1111's warnings for skipped tags: "Lora not found: a, b" (one line for all missing LoRAs, its order, no repeats)
    /// and "Skipping unknown extra network: kind" per other kind.
    /// </summary>
    public static IReadOnlyList<string> Warnings(IReadOnlyList<ExtraNetworkTag> skipped)
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var warnings = new List<string>();
        var missing = skipped.Where(IsLora).Select(t => t.Name).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            warnings.Add($"Lora not found: {string.Join(", ", missing)}");
        }

        warnings.AddRange(skipped.Where(t => !IsLora(t)).Select(t => t.Kind).Distinct(StringComparer.Ordinal)
            .Select(kind => $"Skipping unknown extra network: {kind}"));
        return warnings;
    }

    private static bool IsLora(ExtraNetworkTag tag) => tag.Kind is "lora" or "lyco";
}
