using Microsoft.AspNetCore.Http.Features;

namespace WebDiffusion.Server.Security;

/// <summary>
/// Answers 413 early when Content-Length exceeds the body limit in force (Kestrel's MaxRequestBodySize, or an
/// endpoint's own [RequestSizeLimit]), and turns Kestrel's bad-request exceptions from later body reads
/// (chunked bodies over the limit, truncated bodies) into their JSON status instead of a 500.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next)
{
    private const long DrainAllowance = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature?.MaxRequestBodySize is { } max && context.Request.ContentLength is { } length && length > max)
        {
            // A modest excess is drained after the answer so the connection stays usable and the client reliably
            // reads the 413 (closing on unread data resets the connection); a large one closes the connection.
            if (length - max <= DrainAllowance && !feature.IsReadOnly)
            {
                feature.MaxRequestBodySize = length;
            }

            await SecurityResponses.WriteErrorAsync(
                context,
                StatusCodes.Status413PayloadTooLarge,
                $"The request body is larger than the limit of {max} bytes (WebDiffusion:Limits:MaxBodyBytes).").ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            await SecurityResponses.WriteErrorAsync(context, ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is larger than the limit (WebDiffusion:Limits:MaxBodyBytes)."
                : "Bad request: " + ex.Message).ConfigureAwait(false);
        }
    }
}
