using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Text.Prompts;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Jobs;

namespace WebDiffusion.Server.Generation;

/// <summary>
/// The one way a generation is submitted, used by <c>/api/jobs</c> and <c>/sdapi/v1/txt2img|img2img</c>: parse and validate
/// with the profile's defaults, check the text side against the model, log ignored fields, resolve the checkpoint, store
/// the <see cref="JobEnvelope"/> and queue it.
/// </summary>
public sealed class GenerationSubmission(JobService jobs, JobRequestParser parser, TextRequestCheck textCheck, ModelCache models, ILogger<GenerationSubmission> logger)
{
    /// <summary>Submits <paramref name="body"/> for <paramref name="owner"/>.</summary>
    public async Task<SubmissionOutcome> SubmitAsync(string owner, JsonElement body, GenerationMode mode, GenerationProfile profile, CancellationToken cancellationToken)
    {
        var result = parser.Parse(body, mode, profile);
        if (!result.IsValid)
        {
            return new SubmissionOutcome.Invalid(result.Errors);
        }

        var request = result.Request!;
        var textErrors = textCheck.Check(request);
        if (textErrors.Count > 0)
        {
            return new SubmissionOutcome.Invalid(textErrors);
        }

        // Unknown names are logged once per request, escaped and truncated: a client controls them (log forging, flooding).
        if (LogText.List(A1111RequestReader.UnknownFields(body)) is { } fields)
        {
            logger.LogWarning("Ignoring unknown request fields {Fields}", fields);
        }

        if (LogText.List(OverrideSettingsPolicy.UnknownKeys(request.OverrideSettings)) is { } keys)
        {
            logger.LogWarning("Ignoring unknown override_settings keys {Keys}", keys);
        }

        // A1111 generates without a LoRA whose file is missing and says so; the job does the same (the tag stays in the infotext).
        var skipped = ExtraNetworkAvailability.Sort([request.Prompt, request.NegativePrompt], models.LoraNames()).Skipped;
        foreach (var warning in ExtraNetworkAvailability.Warnings(skipped))
        {
            logger.LogWarning("{Warning}; generating without it", warning);
        }

        var restore = !(body.TryGetProperty("override_settings_restore_afterwards", out var r) && r.ValueKind == JsonValueKind.False);
        var envelope = new JobEnvelope(profile, restore, request.Model, JsonObject.Create(body)!);
        try
        {
            var (job, position) = await jobs.SubmitAsync(owner, mode, envelope, request.Prompt, cancellationToken).ConfigureAwait(false);
            return new SubmissionOutcome.Accepted(job, position, request);
        }
        catch (QueueFullException ex)
        {
            return new SubmissionOutcome.QueueFull(ex);
        }
    }
}
