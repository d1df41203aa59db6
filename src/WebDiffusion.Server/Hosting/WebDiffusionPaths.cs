using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Hosting;

/// <summary>The absolute folders the server works in, resolved once from the options and the content root.</summary>
public sealed record WebDiffusionPaths(string ContentRoot, string ModelsDir, string DataDir)
{
    /// <summary>Rolling log files.</summary>
    public string LogsDir => Path.Combine(DataDir, "logs");

    /// <summary>Generated images, in A1111's layout (txt2img-images/DATE/...).</summary>
    public string OutputsDir => Path.Combine(DataDir, "outputs");

    /// <summary>Resolves the folders from configuration (relative paths are relative to the content root).</summary>
    public static WebDiffusionPaths From(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var options = new WebDiffusionOptions();
        configuration.GetSection(WebDiffusionOptions.SectionName).Bind(options);
        var root = environment.ContentRootPath;
        return new WebDiffusionPaths(
            root,
            Path.GetFullPath(Path.Combine(root, options.ModelsDir)),
            Path.GetFullPath(Path.Combine(root, options.DataDir)));
    }
}
