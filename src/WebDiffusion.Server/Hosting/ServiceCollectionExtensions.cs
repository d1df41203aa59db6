using Microsoft.Extensions.Options;
using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Options;
using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.Hosting;

/// <summary>Registration of the server's services.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddWebDiffusionCore(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WebDiffusionOptions>()
            .Bind(configuration.GetSection(WebDiffusionOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebDiffusionOptions>, WebDiffusionOptionsValidator>();
        services.AddSingleton(WebDiffusionPaths.From(configuration, environment));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<OnnxRuntimeStatusProvider>();
        services.AddSingleton(sp => sp.GetRequiredService<OnnxRuntimeStatusProvider>().GetRequiredRuntime());
        services.AddSingleton<VerbDispatcher>();
        services.AddWebDiffusionDeploy();
        services.AddWebDiffusionJobs(configuration);
        services.AddWebDiffusionModels();
        services.AddWebDiffusionText();
        services.AddWebDiffusionSecurity(configuration);
        services.AddWebDiffusionSdApi();
        // Static UI files only (no API JSON: nothing secret is ever compressed next to attacker-chosen text).
        services.AddResponseCompression(o =>
        {
            o.MimeTypes = ["text/javascript", "application/javascript", "text/css", "text/html", "image/svg+xml"];
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
        });
        return services;
    }
}
