using System.Net;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Hosting;

/// <summary>
/// Binds Kestrel to loopback (default) or every interface (<c>--listen</c>) on the configured port, with request
/// limits: body size from <c>WebDiffusion:Limits:MaxBodyBytes</c> (413 above it), header size and count,
/// connection counts and header timeouts.
/// </summary>
public static class KestrelExtensions
{
    /// <summary>Open TCP connections at most (Kestrel's default is unlimited).</summary>
    public const int MaxConnections = 1000;

    /// <summary>Open WebSocket (hub) connections at most.</summary>
    public const int MaxUpgradedConnections = 200;

    public static WebApplicationBuilder ConfigureWebDiffusionKestrel(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new WebDiffusionOptions();
        builder.Configuration.GetSection(WebDiffusionOptions.SectionName).Bind(options);
        var limits = builder.Configuration.GetSection(GenerationLimits.SectionName).Get<GenerationLimits>() ?? new GenerationLimits();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes > 0 ? limits.MaxBodyBytes : new GenerationLimits().MaxBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 100;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = MaxUpgradedConnections;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(130);
            kestrel.Listen(options.Listen ? IPAddress.Any : IPAddress.Loopback, options.Port);
        });
        return builder;
    }
}
