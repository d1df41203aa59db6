namespace WebDiffusion.Server.Options;

/// <summary>
/// The user-facing settings of the server: section <c>WebDiffusion</c> of appsettings.json, environment
/// variables <c>WebDiffusion__Port</c> and so on, and the A1111-style command-line flags.
/// </summary>
public sealed class WebDiffusionOptions
{
    public const string SectionName = "WebDiffusion";

    /// <summary>TCP port to listen on (A1111's default 7860).</summary>
    public int Port { get; set; } = 7860;

    /// <summary>Bind every interface (0.0.0.0) instead of loopback only. Requires credentials.</summary>
    public bool Listen { get; set; }

    /// <summary>
    /// Credentials as <c>user:secret[,user2:secret2]</c>; never logged. A secret is either the password itself or
    /// a hash printed by <c>./webui.sh hash-password</c>:
    /// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>.
    /// </summary>
    public string? ApiAuth { get; set; }

    /// <summary>Explicit opt-out of authentication when listening on a public address.</summary>
    public bool InsecureNoAuth { get; set; }

    /// <summary>Folder holding Stable-diffusion/, VAE/, Lora/, embeddings/ … (relative to the content root).</summary>
    public string ModelsDir { get; set; } = "models";

    /// <summary>Folder holding the job database, settings and outputs (relative to the content root).</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>
    /// Origins (<c>https://host[:port]</c>, comma-separated) allowed to call the API from a browser page of another
    /// origin (<c>--cors-allow-origins</c>). Empty: CORS is off and cross-origin writes are refused.
    /// </summary>
    public string? CorsOrigins { get; set; }

    /// <summary>Per-client request and sign-in limits.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Whether credentials were configured.</summary>
    public bool HasCredentials => !string.IsNullOrWhiteSpace(ApiAuth);
}
