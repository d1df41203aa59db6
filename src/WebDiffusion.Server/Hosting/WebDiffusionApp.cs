using Microsoft.Extensions.Options;
using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Endpoints;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Hosting;

/// <summary>Entry point: parses the command line, then either serves or runs a verb.</summary>
public static class WebDiffusionApp
{
    /// <summary>Runs the server (or a verb) until shutdown; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        if (commandLine.ShowHelp)
        {
            Console.WriteLine(CommandLine.HelpText);
            return 0;
        }

        await using var app = Build(commandLine);
        try
        {
            if (commandLine.Verb.Count > 0)
            {
                var verbs = app.Services.GetRequiredService<VerbDispatcher>();
                return await verbs.RunAsync(commandLine.Verb, Console.Out, cancellationToken).ConfigureAwait(false);
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("WebDiffusion cannot start:").ConfigureAwait(false);
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
            }

            return 2;
        }
        catch (Jobs.JobStoreVersionException ex)
        {
            await Console.Error.WriteLineAsync("WebDiffusion cannot start: " + ex.Message).ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>
    /// Builds the application: configuration (appsettings.json at the content root, environment, flags),
    /// logging, services and endpoints. Tests call this with their own settings and port 0.
    /// </summary>
    public static WebApplication Build(CommandLine commandLine, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var contentRoot = Path.GetFullPath(commandLine.ContentRoot ?? Directory.GetCurrentDirectory());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = contentRoot,
            WebRootPath = Path.Combine(contentRoot, "wwwroot"),
            ApplicationName = typeof(WebDiffusionApp).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(commandLine.Settings);
        configure?.Invoke(builder);

        builder.AddWebDiffusionLogging();
        builder.Services.AddWebDiffusionCore(builder.Configuration, builder.Environment);
        builder.ConfigureWebDiffusionKestrel();

        var app = builder.Build();
        app.UseWebDiffusionPipeline();
        return app;
    }

    private static void UseWebDiffusionPipeline(this WebApplication app)
    {
        app.UseWebDiffusionRequestLogging();
        app.UseWebDiffusionSecurity();
        app.UseResponseCompression();
        app.UseDefaultFiles();
        app.UseStaticFiles(SpaFallbackExtensions.StaticFileOptions);
        app.MapSystemEndpoints();
        app.MapJobEndpoints();
        app.MapImageEndpoints();
        app.MapSettingsEndpoints();
        // No write backpressure per connection: a stalled browser must never hold up a job submission or the worker
        // (its buffered events are dropped when the connection times out).
        app.MapHub<Hubs.ProgressHub>("/hubs/progress", o => o.TransportMaxBufferSize = 0);
        app.MapPngInfoEndpoints();
        app.MapModelEndpoints();
        app.MapModelPullEndpoints();
        app.MapPromptEndpoints();
        app.MapSamplerEndpoints();
        app.MapSdApiGenerationEndpoints();
        app.MapSdApiProgressEndpoints();
        app.MapSdApiOptionsEndpoints();
        app.MapSdApiModelEndpoints();
        app.MapSdApiCatalogEndpoints();
        app.MapSdApiSystemEndpoints();
        app.MapSdApiExtrasEndpoints();
        app.MapOpenApiDocument();
        app.MapSpaFallback();
    }
}
