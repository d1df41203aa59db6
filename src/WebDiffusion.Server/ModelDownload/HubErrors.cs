using System.Net;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>Turns a hub's HTTP status into a message that names what was fetched, the status and what to do.</summary>
internal static class HubErrors
{
    /// <summary>
    /// The exception for a failed response to <paramref name="what"/>: <see cref="TransientPullException"/> for 5xx, 408
    /// and 429 (retried), <see cref="ModelPullException"/> otherwise.
    /// </summary>
    public static Exception ForStatus(HttpStatusCode status, string what, bool isListing)
    {
        var code = (int)status;
        var head = $"{what}: HTTP {code} {status}";
        return code switch
        {
            401 or 403 => new ModelPullException(
                head + " — gated or private repo: set HF_TOKEN to a Hugging Face access token (of an account that accepted the model's terms) and try again."),
            404 when isListing => new ModelPullException(head + " — repo or revision not found: check the repo id (owner/name) and --revision."),
            404 => new ModelPullException(head + " — the file is not on the hub at this revision."),
            408 or 429 or >= 500 => new TransientPullException(head + " — the hub is busy or failing; retrying."),
            _ => new ModelPullException(head + "."),
        };
    }
}
