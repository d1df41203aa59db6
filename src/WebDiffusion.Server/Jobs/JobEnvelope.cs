using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Server.Api;

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// A job as the journal stores it (version <see cref="CurrentVersion"/>): the profile whose defaults apply, whether the
/// checkpoint is restored afterwards, the checkpoint resolved at submission, and the client's request body untouched.
/// Written as <c>{"v":1,"profile":"native"|"a1111","restore_afterwards":bool,"checkpoint":string|null,"request":{…}}</c>.
/// Rows of the older shape (the body itself, with a <c>webdiffusion_api_defaults</c> flag for /sdapi) are upgraded by the
/// journal's schema step 3 and, should one remain, by <see cref="Parse"/>.
/// </summary>
/// <param name="Profile">Which defaults the request's missing fields take.</param>
/// <param name="RestoreAfterwards">A1111's <c>override_settings_restore_afterwards</c>: false makes the job's checkpoint the selected one.</param>
/// <param name="Checkpoint">The registry name of the checkpoint resolved at submission, or null for the selected model at run time.</param>
/// <param name="Request">The request body as the client sent it.</param>
public sealed record JobEnvelope(GenerationProfile Profile, bool RestoreAfterwards, string? Checkpoint, JsonObject Request)
{
    /// <summary>The envelope version this build writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The flag the old shape carried in the body for /sdapi jobs.</summary>
    internal const string LegacyApiDefaultsFlag = "webdiffusion_api_defaults";

    /// <summary>The stored JSON.</summary>
    public string ToJson() => new JsonObject
    {
        ["v"] = CurrentVersion,
        ["profile"] = Profile == GenerationProfile.A1111 ? "a1111" : "native",
        ["restore_afterwards"] = RestoreAfterwards,
        ["checkpoint"] = Checkpoint,
        ["request"] = Request.DeepClone(),
    }.ToJsonString();

    /// <summary>Reads a stored job of either shape; throws <see cref="FormatException"/> when it is neither.</summary>
    public static JobEnvelope Parse(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(stored) as JsonObject ?? throw new FormatException("The stored job is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new FormatException("The stored job is not valid JSON: " + ex.Message, ex);
        }

        if (root["v"] is JsonValue version && version.TryGetValue<int>(out var v))
        {
            if (v != CurrentVersion || root["request"] is not JsonObject request)
            {
                throw new FormatException($"The stored job has envelope version {v}; this build reads version {CurrentVersion}.");
            }

            return new JobEnvelope(
                root["profile"]?.GetValue<string>() == "a1111" ? GenerationProfile.A1111 : GenerationProfile.Native,
                root["restore_afterwards"] is not JsonValue restore || restore.GetValueKind() != JsonValueKind.False,
                root["checkpoint"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : null,
                request.DeepClone().AsObject());
        }

        return FromLegacy(root);
    }

    /// <summary>The old shape: the body itself, the /sdapi flag inside it, the resolved checkpoint in <c>model</c>.</summary>
    private static JobEnvelope FromLegacy(JsonObject body)
    {
        var api = body[LegacyApiDefaultsFlag] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True;
        body.Remove(LegacyApiDefaultsFlag);
        var restore = body["override_settings_restore_afterwards"] is not JsonValue r || r.GetValueKind() != JsonValueKind.False;
        var checkpoint = body["model"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null;
        return new JobEnvelope(api ? GenerationProfile.A1111 : GenerationProfile.Native, restore, checkpoint, body);
    }
}
