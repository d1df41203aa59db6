namespace WebDiffusion.Server.Jobs;

/// <summary>The form in which step previews travel to browsers: a PNG data URL (hub <c>step</c> and <c>state</c>, the job view).</summary>
public static class PreviewDataUrl
{
    /// <summary>The data URL of <paramref name="png"/>, or null when there is no preview.</summary>
    public static string? From(byte[]? png) => png is null ? null : "data:image/png;base64," + Convert.ToBase64String(png);
}
