using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebDiffusion.Server.Doctor;

namespace WebDiffusion.Server.Tests.Deploy;

public sealed class DoctorTests
{
    private static string[] Lines(string output, string status, string name) =>
        [.. output.Split('\n').Where(l => l.StartsWith($"{status,-4}  {name} ", StringComparison.Ordinal))];

    [Fact]
    public async Task On_this_machine_the_doctor_reports_cpu_only_and_passes_the_one_step_generation()
    {
        await using var app = DeployTestApp.Create();
        DeployTestApp.WriteTinyModel(Path.Combine(app.CheckpointsDir, "tiny"));

        var (code, output) = await app.RunVerbAsync("doctor");

        Assert.True(code == 0, output);
        Assert.Single(Lines(output, "OK", "ONNX Runtime"));
        Assert.Contains("CPUExecutionProvider", Assert.Single(Lines(output, "OK", "Providers")), StringComparison.Ordinal);
        Assert.Contains("CPU only", Assert.Single(Lines(output, "OK", "CUDA")), StringComparison.Ordinal);
        Assert.Contains("tiny", Assert.Single(Lines(output, "OK", "Model")), StringComparison.Ordinal);
        Assert.Contains("through the full pipeline", Assert.Single(Lines(output, "OK", "Generation")), StringComparison.Ordinal);
        Assert.Single(Lines(output, "OK", "Port"));
        Assert.Single(Lines(output, "OK", "OS"));
        Assert.Single(Lines(output, "OK", ".NET"));
        Assert.DoesNotContain("FAIL  ", output, StringComparison.Ordinal);
        Assert.Contains(" 0 FAIL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requesting_cuda_where_its_provider_library_is_missing_warns_and_names_the_library()
    {
        await using var app = DeployTestApp.Create(new Dictionary<string, string?> { ["WebDiffusion:ExecutionProvider"] = "cuda" });
        DeployTestApp.WriteTinyModel(Path.Combine(app.CheckpointsDir, "tiny"));

        var (code, output) = await app.RunVerbAsync("doctor");

        Assert.True(code == 0, output);
        var cuda = Assert.Single(Lines(output, "WARN", "CUDA"));
        // ONNX Runtime's own reason (the CPU package has no CUDA provider), then the library this build lacks.
        Assert.Contains("not enabled in this build", cuda, StringComparison.Ordinal);
        Assert.Contains("libonnxruntime_providers_cuda.so", cuda, StringComparison.Ordinal);
        Assert.Contains("falls back to the CPU", cuda, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requiring_cuda_where_it_is_missing_fails_the_doctor()
    {
        await using var app = DeployTestApp.Create(new Dictionary<string, string?> { ["WebDiffusion:RequireCuda"] = "true" });

        var (code, output) = await app.RunVerbAsync("doctor");

        Assert.Equal(1, code);
        var cuda = Assert.Single(Lines(output, "FAIL", "CUDA"));
        Assert.Contains("not enabled in this build", cuda, StringComparison.Ordinal);
        Assert.Contains("libonnxruntime_providers_cuda.so", cuda, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_model_a_busy_port_and_listen_without_credentials_each_fail_with_what_to_do()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        await using var app = DeployTestApp.Create(new Dictionary<string, string?> { ["WebDiffusion:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var broken = Path.Combine(app.CheckpointsDir, "broken");
        DeployTestApp.WriteTinyModel(broken);
        File.Delete(Path.Combine(broken, "unet", "weights.pb"));

        var (code, output) = await app.RunVerbAsync("doctor");

        Assert.Equal(1, code);
        Assert.Contains("weights.pb", Assert.Single(Lines(output, "FAIL", "Model")), StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", Assert.Single(Lines(output, "FAIL", "Port")), StringComparison.Ordinal);
        Assert.Contains("→ Another process uses the port", output, StringComparison.Ordinal);
        Assert.Single(Lines(output, "OK", "Generation"));
    }

    [Fact]
    public async Task Listening_without_credentials_is_a_configuration_failure_the_doctor_reports()
    {
        await using var app = DeployTestApp.Create(new Dictionary<string, string?> { ["WebDiffusion:Listen"] = "true" });

        var (code, output) = await app.RunVerbAsync("doctor");

        Assert.Equal(1, code);
        Assert.Contains("--api-auth", Assert.Single(Lines(output, "FAIL", "Configuration")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listening_with_the_insecure_opt_out_warns_and_no_models_warns_with_how_to_get_one()
    {
        await using var app = DeployTestApp.Create(new Dictionary<string, string?>
        {
            ["WebDiffusion:Listen"] = "true",
            ["WebDiffusion:InsecureNoAuth"] = "true",
        });

        var (code, output) = await app.RunVerbAsync("doctor");

        Assert.True(code == 0, output);
        Assert.Contains("WITHOUT credentials", Assert.Single(Lines(output, "WARN", "Exposure")), StringComparison.Ordinal);
        Assert.Contains("0.0.0.0:0", Assert.Single(Lines(output, "OK", "Port")), StringComparison.Ordinal);
        Assert.Single(Lines(output, "WARN", "Models"));
        Assert.Contains("models pull", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_generation_step_is_the_registered_IDoctorGenerationCheck()
    {
        var seen = new List<string>();
        await using var app = DeployTestApp.Create(configure: builder =>
            builder.Services.TryAddSingleton<IDoctorGenerationCheck>(new FailingGeneration(seen)));

        var (code, output) = await app.RunVerbAsync("doctor");

        Assert.Equal(1, code);
        Assert.Contains("pipeline said no", Assert.Single(Lines(output, "FAIL", "Generation")), StringComparison.Ordinal);
        var folder = Assert.Single(seen);
        Assert.False(Directory.Exists(folder));
    }

    private sealed class FailingGeneration(List<string> seen) : IDoctorGenerationCheck
    {
        public Task<DoctorCheckResult> RunAsync(string modelFolder, CancellationToken ct)
        {
            seen.Add(modelFolder);
            Assert.True(File.Exists(Path.Combine(modelFolder, "unet", "model.onnx")));
            Assert.True(File.Exists(Path.Combine(modelFolder, "tokenizer", "vocab.json")));
            return Task.FromResult(DoctorCheckResult.Fail("Generation", "pipeline said no"));
        }
    }
}
