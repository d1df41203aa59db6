using System.Diagnostics;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Deploy;

public sealed class DeployLintTests : IDisposable
{
    private static readonly string LintScript = Path.Combine(RepositoryRoot.Path, "deploy", "lint.sh");
    private static readonly string RealDockerfile = Path.Combine(RepositoryRoot.Path, "Dockerfile");
    private static readonly string RealCompose = Path.Combine(RepositoryRoot.Path, "docker-compose.yml");
    private readonly string _temp = DeployTestApp.NewTempFolder("lint");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static async Task<(int ExitCode, string Output)> LintAsync(string dockerfile, string compose, bool forceLineCheck)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(LintScript);
        start.ArgumentList.Add(dockerfile);
        start.ArgumentList.Add(compose);
        start.Environment["WD_LINT_NO_YAML"] = forceLineCheck ? "1" : "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private string WriteBadCopies()
    {
        var dockerfile = File.ReadAllText(RealDockerfile);
        string Replace(string text, string from, string to)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            return text.Replace(from, to, StringComparison.Ordinal);
        }

        dockerfile = Replace(dockerfile, "FROM nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04 AS runtime", "FROM nvidia/cuda:latest AS runtime");
        dockerfile = Replace(dockerfile, "USER webdiffusion:webdiffusion", "USER root");
        dockerfile = Replace(dockerfile, "HEALTHCHECK --interval", "# HEALTHCHECK --interval");
        dockerfile = Replace(dockerfile, "  CMD curl -fsS", "#  CMD curl -fsS");
        dockerfile = Replace(dockerfile, "EXPOSE 7860", "EXPOSE 8080");
        dockerfile = Replace(dockerfile, "RUN groupadd", "RUN curl -fsSL -o /tmp/x.tgz https://example.invalid/x.tgz\nRUN groupadd");
        dockerfile = Replace(dockerfile, "    WebDiffusion__Port=7860", "    WebDiffusion__Port=7860 \\\n    HF_TOKEN=hf_abc123");
        File.WriteAllText(Path.Combine(_temp, "Dockerfile"), dockerfile);

        var compose = File.ReadAllText(RealCompose);
        compose = Replace(compose, "restart: unless-stopped", "restart: \"no\"");
        compose = Replace(compose, "            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n", "            - driver: nvidia\n              count: 1\n              capabilities: [compute]\n");
        compose = Replace(compose, "    env_file:\n      - .env\n", "    environment:\n      WebDiffusion__ApiAuth: admin:hunter2\n");
        File.WriteAllText(Path.Combine(_temp, "docker-compose.yml"), compose);
        return _temp;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_repository_dockerfile_and_compose_file_pass(bool forceLineCheck)
    {
        var (code, output) = await LintAsync(RealDockerfile, RealCompose, forceLineCheck);

        Assert.True(code == 0, output);
        Assert.Contains("lint: OK", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deliberately_bad_copy_fails_with_every_problem_named(bool forceLineCheck)
    {
        var folder = WriteBadCopies();

        var (code, output) = await LintAsync(Path.Combine(folder, "Dockerfile"), Path.Combine(folder, "docker-compose.yml"), forceLineCheck);

        Assert.Equal(1, code);
        Assert.Contains("'latest' is not a pinned tag", output, StringComparison.Ordinal);
        Assert.Contains("USER root is root", output, StringComparison.Ordinal);
        Assert.Contains("no HEALTHCHECK", output, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 7860 is missing", output, StringComparison.Ordinal);
        Assert.Contains("without checking its checksum", output, StringComparison.Ordinal);
        Assert.Contains("ENV HF_TOKEN holds a secret", output, StringComparison.Ordinal);
        Assert.Contains("no GPU reservation", output, StringComparison.Ordinal);
        Assert.Contains("restart policy missing", output, StringComparison.Ordinal);
        Assert.Contains("no env_file", output, StringComparison.Ordinal);
        Assert.Contains("WebDiffusion__ApiAuth", output, StringComparison.Ordinal);
        Assert.DoesNotContain("lint: OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compose_file_that_is_not_yaml_fails()
    {
        var compose = Path.Combine(_temp, "docker-compose.yml");
        File.WriteAllText(compose, "services:\n  webdiffusion: [\n");

        var (code, output) = await LintAsync(RealDockerfile, compose, forceLineCheck: false);

        Assert.Equal(1, code);
        Assert.Contains("docker-compose.yml", output, StringComparison.Ordinal);
    }
}
