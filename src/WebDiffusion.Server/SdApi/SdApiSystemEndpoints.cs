using System.Globalization;
using Microsoft.Extensions.Options;
using WebDiffusion.Server.Options;
using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// <c>GET /sdapi/v1/cmd-flags</c> (an allow-list of our flags under A1111's names — credentials are never part of it)
/// and <c>GET /sdapi/v1/memory</c>.
/// </summary>
public static class SdApiSystemEndpoints
{
    public static IEndpointRouteBuilder MapSdApiSystemEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sdapi/v1/cmd-flags", (IOptions<WebDiffusionOptions> options, IConfiguration configuration) =>
            Results.Ok(CommandFlags(options.Value, configuration)))
            .WithSummary("Command-line flags (A1111 names; credentials are never included)");
        endpoints.MapGet("/sdapi/v1/memory", (OnnxRuntimeStatusProvider runtime) => Results.Ok(new
        {
            ram = Ram(),
            cuda = new
            {
                error = runtime.Current.Providers.Contains("CUDAExecutionProvider", StringComparer.Ordinal) && File.Exists("/dev/nvidiactl")
                    ? "CUDA memory statistics are not reported by ONNX Runtime"
                    : "CUDA not available",
            },
        })).WithSummary("Memory: {ram: {free, used, total}, cuda}");
        return endpoints;
    }

    /// <summary>
    /// Built from an allow-list, never by reflecting over the options: a new option (a password, a key file) cannot leak
    /// here by accident. Folders are reported as configured (usually relative to the install), not resolved.
    /// </summary>
    public static Dictionary<string, object?> CommandFlags(WebDiffusionOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var cors = configuration[$"{WebDiffusionOptions.SectionName}:CorsOrigins"];
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["api"] = true,
            ["nowebui"] = false,
            ["listen"] = options.Listen,
            ["port"] = options.Port,
            ["server_name"] = null,
            ["share"] = false,
            ["insecure_no_auth"] = options.InsecureNoAuth,
            ["cors_allow_origins"] = string.IsNullOrWhiteSpace(cors) ? null : cors,
            ["cors_allow_origins_regex"] = null,
            ["data_dir"] = options.DataDir,
            ["models_dir"] = options.ModelsDir,
            ["ckpt_dir"] = Path.Combine(options.ModelsDir, "Stable-diffusion"),
            ["vae_dir"] = Path.Combine(options.ModelsDir, "VAE"),
            ["lora_dir"] = Path.Combine(options.ModelsDir, "Lora"),
            ["embeddings_dir"] = Path.Combine(options.ModelsDir, "embeddings"),
            ["hypernetwork_dir"] = null,
            ["api_log"] = false,
            ["api_server_stop"] = false,
            ["no_hashing"] = false,
            ["no_download_sd_model"] = true,
            ["allow_code"] = false,
            ["enable_insecure_extension_access"] = false,
            ["disable_safe_unpickle"] = false,
            ["subpath"] = null,
        };
    }

    private static object Ram()
    {
        var used = Environment.WorkingSet;
        var total = MemTotalBytes() ?? (long)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        // A1111 (psutil): used = this process's resident set, free = total - used.
        return new { free = Math.Max(0, total - used), used, total };
    }

    private static long? MemTotalBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // No /proc (not Linux) or unreadable: fall back to the GC's view of the machine.
        }

        return null;
    }
}
