using System.Net;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Hosting;

/// <summary>Binds Kestrel to loopback (default) or every interface (<c>--listen</c>) on the configured port.</summary>
public static class KestrelExtensions
{
    public static WebApplicationBuilder ConfigureWebDiffusionKestrel(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new WebDiffusionOptions();
        builder.Configuration.GetSection(WebDiffusionOptions.SectionName).Bind(options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Listen ? IPAddress.Any : IPAddress.Loopback, options.Port);
        });
        return builder;
    }
}
