using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.Server.Generation;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Submit-time checks of a request's text side against the model it would run on, so that a request the model cannot
/// honour gets a 400/422 naming the field instead of a queued job that fails: clip skip above 1 on a text encoder
/// export without usable hidden states, and textual-inversion embeddings on one without
/// <c>inputs_embeds</c>. When the model cannot be resolved the checks are skipped (the job reports that).
/// </summary>
public sealed class TextRequestCheck(SdApiOptionsStore options, ModelCache models, EmbeddingLibrarySource embeddings, IPromptTokenizerSource tokenizers)
{
    /// <summary>Problems by field (empty when the request is fine).</summary>
    public IReadOnlyDictionary<string, string[]> Check(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = TextSettings.Resolve(request, options.Read());
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var model = models.Describe(request.Model);
        if (model is not null)
        {
            var features = model.TextEncoderFeatures;
            if (settings.Options.ClipSkip > 1 && !features.SupportsClipSkip)
            {
                var how = settings.ClipSkipField == TextSettings.ClipSkipOption
                    ? "Set the stored option to 1 (POST /sdapi/v1/options {\"CLIP_stop_at_last_layers\": 1})"
                    : $"Send {settings.ClipSkipField} 1 (or leave it out)";
                Add(errors, settings.ClipSkipField,
                    $"{settings.ClipSkipField} is {settings.Options.ClipSkip}, but model '{model.Name}' cannot do clip skip: {features.ClipSkipRefusal}. {how}.");
            }

            if (!features.SupportsEmbeddings)
            {
                CheckEmbeddings(request, settings.Options, model.TextHiddenSize, model.Name, features.EmbeddingRefusal, errors);
            }
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private void CheckEmbeddings(GenerationRequest request, ConditioningOptions settings, int hiddenSize, string modelName, string reason, Dictionary<string, List<string>> errors)
    {
        var library = embeddings.Current;
        if (library.Embeddings.Count == 0)
        {
            return;
        }

        var chunker = ConditioningBuilder.CreateChunker(tokenizers.Current, library.Embeddings, hiddenSize, settings);
        var hiresSteps = request.HrSecondPassSteps > 0 ? request.HrSecondPassSteps : request.Steps;
        var fields = new List<(string Field, string Text, int? Hires, bool Composable)>
        {
            ("prompt", request.Prompt, null, true),
            ("negative_prompt", request.NegativePrompt, null, false),
        };
        if (request.Mode == GenerationMode.Txt2Img && request.EnableHr)
        {
            fields.Add(("hr_prompt", request.HrPrompt, hiresSteps, true));
            fields.Add(("hr_negative_prompt", request.HrNegativePrompt, hiresSteps, false));
        }

        foreach (var (field, text, hires, composable) in fields)
        {
            var used = PromptEmbeddingUse.Find(chunker, text, request.Steps, hires, composable);
            if (used.Count > 0)
            {
                var names = string.Join(", ", used.Select(n => $"'{n}'"));
                Add(errors, field,
                    $"{field} uses the textual-inversion embedding {names} (from {embeddings.Folder}), but model '{modelName}' cannot use embeddings: {reason}. " +
                    "Remove the trigger word from the prompt, or move the embedding file out of the embeddings folder if you meant the word itself.");
            }
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }
}
