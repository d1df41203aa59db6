using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>The server process is killed with SIGKILL mid-job and restarted on the same data folder.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wd-crash-");

    [Fact]
    public async Task After_sigkill_the_running_job_is_interrupted_queued_jobs_run_and_no_png_is_half_written()
    {
        DemoModel.Write(_root.FullName);
        var port = FreePort();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        string longJob;
        string[] queued;
        using (var first = StartServer(port))
        {
            try
            {
                await WaitHealthyAsync(client);
                longJob = await JobApi.SubmitAsync(client, JobApi.Tiny(steps: 60, batchCount: 100, size: 128));
                queued = [
                    await JobApi.SubmitAsync(client, JobApi.Tiny(prompt: "after one", steps: 2)),
                    await JobApi.SubmitAsync(client, JobApi.Tiny(prompt: "after two", steps: 2)),
                ];
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while ((await JobApi.GetAsync(client, longJob)).GetProperty("imageIds").GetArrayLength() < 2)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the long job never saved an image");
                    await Task.Delay(20);
                }
            }
            finally
            {
                first.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
                await first.WaitForExitAsync();
            }
        }

        using (var second = StartServer(port))
        {
            try
            {
                await WaitHealthyAsync(client);
                var interrupted = await JobApi.GetAsync(client, longJob);
                Assert.Equal("interrupted", interrupted.GetProperty("state").GetString());
                Assert.True(interrupted.GetProperty("imageIds").GetArrayLength() >= 2, "images saved before the crash are kept");
                foreach (var id in queued)
                {
                    var job = await JobApi.WaitAsync(client, id, TimeSpan.FromSeconds(60));
                    Assert.Equal("done", job.GetProperty("state").GetString());
                }
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }
        }

        var outputs = Path.Combine(_root.FullName, "data", "outputs");
        Assert.Empty(Directory.GetFiles(outputs, "*.tmp", SearchOption.AllDirectories));
        foreach (var file in Directory.GetFiles(outputs, "*.png", SearchOption.AllDirectories))
        {
            var png = PngDecoder.Decode(await File.ReadAllBytesAsync(file));
            Assert.True(png.Image.Width > 0, file);
        }
    }

    public void Dispose()
    {
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process StartServer(int port)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "WebDiffusion.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--content-root", RepositoryRoot.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--models-dir", Path.Combine(_root.FullName, "models"), "--data-dir", Path.Combine(_root.FullName, "data") })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if ((await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the server did not start");
            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
