using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Hosting;

public class ServerStartupTests
{
    [Fact]
    public async Task Health_and_system_answer_on_loopback()
    {
        await using var server = await LoopbackServer.StartAsync();
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);

        var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var system = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/system", UriKind.Relative)));
        var root = system.RootElement;
        Assert.Equal("0.1.0", root.GetProperty("version").GetString());
        Assert.Equal(server.ModelsDir, root.GetProperty("modelsDir").GetString());
        Assert.Equal(server.DataDir, root.GetProperty("dataDir").GetString());
        Assert.True(root.GetProperty("onnxRuntime").TryGetProperty("version", out _));
        Assert.False(root.GetProperty("listen").GetBoolean());
    }

    [Fact]
    public async Task Unknown_api_paths_are_json_404_not_the_spa()
    {
        await using var server = await LoopbackServer.StartAsync();
        var response = await server.Client.GetAsync(new Uri("/api/does-not-exist", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Listen_without_credentials_refuses_to_start_and_says_how_to_opt_out()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => LoopbackServer.StartAsync(["--listen"]));
        var message = string.Join('\n', ex.Failures);
        Assert.Contains("--api-auth", message, StringComparison.Ordinal);
        Assert.Contains("--insecure-no-auth", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CpuThreads", "-1", "WebDiffusion:CpuThreads")]
    [InlineData("ExecutionProvider", "tpu", "WebDiffusion:ExecutionProvider")]
    public async Task A_bad_execution_setting_refuses_to_start_and_names_the_setting(string key, string value, string named)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => LoopbackServer.StartAsync(
            configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WebDiffusion:" + key] = value })));
        Assert.Contains(named, string.Join('\n', ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_exits_with_code_2_and_a_message_when_listen_lacks_credentials()
    {
        var temp = Directory.CreateTempSubdirectory("wd-listen-");
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        try
        {
            var code = await WebDiffusionApp.RunAsync(
                ["--content-root", RepositoryRoot.Path, "--port", "0", "--listen", "--data-dir", temp.FullName], CancellationToken.None);
            Assert.Equal(2, code);
        }
        finally
        {
            Console.SetError(previous);
            temp.Delete(recursive: true);
        }

        Assert.Contains("--insecure-no-auth", stderr.ToString(), StringComparison.Ordinal);
    }
}
