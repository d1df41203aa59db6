using WebDiffusion.Core.Lora;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The LoRA a job's prompt asks for (<c>&lt;lora:…&gt;</c> and <c>&lt;lyco:…&gt;</c> tags of the positive prompt, as A1111
/// activates them), applied to the model before the first run, and what the infotext and the job say about them: A1111's
/// "Lora hashes" (<c>name: hash12</c>, the name as written without ':' and ','), and a warning per LoRA that is missing,
/// unreadable or does not fit the model (the job runs without it).
/// </summary>
internal static class PromptLoras
{
    /// <summary>Tag kinds that name a LoRA.</summary>
    public static bool IsLoraTag(ExtraNetworkTag tag) => tag.Kind is "lora" or "lyco";

    /// <summary>Resolves and applies the prompt's LoRA (none: the checkpoint's own weights are bound again).</summary>
    /// <exception cref="ArgumentException">A tag's multiplier is not a number.</exception>
    /// <exception cref="NotSupportedException">LoRA asked for on an ONNX export.</exception>
    public static (string? Hashes, IReadOnlyList<string> Warnings) Apply(ModelSet model, LoraLibrary? library, GenerationRequest request)
    {
        var warnings = new List<string>();
        var activations = new List<LoraActivation>();
        var tags = ExtraNetworkParser.Extract(request.Prompt).Tags.Where(IsLoraTag).ToList();
        if (tags.Count > 0 && !model.SupportsLora)
        {
            // A tag without its file is skipped with A1111's warning; one whose file exists cannot be applied to an export.
            var files = library?.Files().Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal) ?? [];
            var present = tags.Where(t => files.Contains(t.Name)).ToList();
            if (present.Count > 0)
            {
                throw new NotSupportedException(
                    $"LoRA needs a model loaded from a .safetensors checkpoint; '{model.Description.Name}' is an ONNX export with its weights baked in. Remove {string.Join(", ", present.Select(t => $"<{t.Kind}:{t.Name}>"))} from the prompt.");
            }

            return (null, [$"Lora not found: {string.Join(", ", tags.Select(t => t.Name).Distinct(StringComparer.Ordinal))}"]);
        }

        foreach (var tag in tags)
        {
            (float TextEncoder, float UNet) multipliers;
            try
            {
                multipliers = LoraActivation.Multipliers(tag);
            }
            catch (FormatException ex)
            {
                throw new ArgumentException(ex.Message, nameof(request), ex);
            }

            LoraNetwork? network;
            try
            {
                network = library?.Find(tag.Name);
            }
            catch (LoraFormatException ex)
            {
                warnings.Add($"{ex.Message} It was not applied.");
                continue;
            }

            if (network is null)
            {
                warnings.Add(library is null
                    ? $"LoRA '{tag.Name}' was not applied: no LoRA folder is configured."
                    : $"LoRA '{tag.Name}' was not applied: no file named '{tag.Name}.safetensors' (or with that ss_output_name) in {library.Folder}.");
                continue;
            }

            activations.Add(new LoraActivation(network, tag.Name, multipliers.TextEncoder, multipliers.UNet));
        }

        warnings.AddRange(model.ApplyLoras(activations).Warnings);
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var activation in activations)
        {
            hashes[activation.MentionedName.Replace(":", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal)] = activation.Network.ShortHash;
        }

        return (hashes.Count > 0 ? string.Join(", ", hashes.Select(h => $"{h.Key}: {h.Value}")) : null, warnings);
    }
}
