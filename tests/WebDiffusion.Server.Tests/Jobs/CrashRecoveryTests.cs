using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>The server process is killed with SIGKILL mid-job and restarted on the same data folder.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wd-crash-");

    [Fact]
    public async Task After_sigkill_the_running_job_is_interrupted_queued_jobs_run_no_png_is_half_written_and_files_equal_the_index()
    {
        DemoModel.Write(_root.FullName);
        var port = FreePort();
        var outputs = Path.Combine(_root.FullName, "data", "outputs");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        string longJob;
        string[] queued;
        using (var first = StartServer(port, new ConcurrentQueue<string>()))
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
                while ((await JobApi.GetAsync(client, longJob)).GetProperty("imageIds").GetArrayLength() < 3)
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

        // Right after the kill, before any recovery: every file under a final .png name is whole.
        var pngsAfterKill = Directory.GetFiles(outputs, "*.png", SearchOption.AllDirectories);
        Assert.True(pngsAfterKill.Length >= 3);
        foreach (var file in pngsAfterKill)
        {
            var png = PngDecoder.Decode(await File.ReadAllBytesAsync(file));
            Assert.True(png.Image.Width == 128 && png.Image.Height == 128, file);
        }

        // What a crash can leave besides: a torn temporary file, a PNG renamed but never indexed (the process died
        // before AddImage), and an index row whose file is gone (deleted by hand).
        var indexedAtKill = IndexedImages();
        var kept = pngsAfterKill.Where(f => indexedAtKill.ContainsKey(Path.GetRelativePath(outputs, f))).Order(StringComparer.Ordinal).ToList();
        Assert.True(kept.Count >= 2, "at least two images were indexed before the kill");
        var folder = Path.GetDirectoryName(kept[0])!;
        var whole = await File.ReadAllBytesAsync(kept[0]);
        await File.WriteAllBytesAsync(Path.Combine(folder, "09998-1.png.tmp"), whole[..(whole.Length / 2)]);
        var unindexed = Path.Combine(folder, "09999-424242.png");
        await File.WriteAllBytesAsync(unindexed, whole);
        File.Delete(kept[^1]);

        // The kill itself may have left a .tmp or a renamed-but-unindexed PNG too: the expected counts include them.
        var temporaries = Directory.GetFiles(outputs, "*.tmp", SearchOption.AllDirectories).Length;
        var pngs = Directory.GetFiles(outputs, "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outputs, f)).ToHashSet(StringComparer.Ordinal);
        var toAdd = pngs.Count(p => !indexedAtKill.ContainsKey(p));
        var toRemove = indexedAtKill.Keys.Count(p => !pngs.Contains(p));
        Assert.True(temporaries >= 1 && toAdd >= 1 && toRemove == 1);

        var log = new ConcurrentQueue<string>();
        using (var second = StartServer(port, log))
        {
            try
            {
                await WaitHealthyAsync(client);
                var interrupted = await JobApi.GetAsync(client, longJob);
                Assert.Equal("interrupted", interrupted.GetProperty("state").GetString());
                Assert.True(interrupted.GetProperty("imageIds").GetArrayLength() >= 3, "images saved before the crash are kept");
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

        Assert.Contains(log, l => l.Contains($"{temporaries} temporary file(s) removed", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains($"{toAdd} unindexed file(s) added, {toRemove} row(s) without a file removed, 0 unreadable", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(outputs, "*.tmp", SearchOption.AllDirectories));

        // Files on disk = the index, both ways; the unindexed file was claimed by the job that was running.
        var onDisk = Directory.GetFiles(outputs, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outputs, f)).Order(StringComparer.Ordinal).ToList();
        var indexed = IndexedImages();
        Assert.Equal(onDisk, indexed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(longJob, indexed[Path.GetRelativePath(outputs, unindexed)]);
        foreach (var file in onDisk)
        {
            Assert.True(PngDecoder.Decode(await File.ReadAllBytesAsync(Path.Combine(outputs, file))).Image.Width > 0, file);
        }
    }

    [Fact]
    public async Task Sigterm_stops_gracefully_the_running_job_is_interrupted_with_its_images_and_queued_jobs_wait_for_the_next_start()
    {
        DemoModel.Write(_root.FullName);
        var port = FreePort();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        string longJob;
        string waiting;
        var log = new ConcurrentQueue<string>();
        using (var server = StartServer(port, log))
        {
            try
            {
                await WaitHealthyAsync(client);
                longJob = await JobApi.SubmitAsync(client, JobApi.Tiny(steps: 150, batchCount: 100, size: 512));
                waiting = await JobApi.SubmitAsync(client, JobApi.Tiny(prompt: "waits for the next start", steps: 2));
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while ((await JobApi.GetAsync(client, longJob)).GetProperty("imageIds").GetArrayLength() < 1)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the long job never saved an image");
                    await Task.Delay(20);
                }

                using (var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await server.WaitForExitAsync(exited.Token);
                Assert.Equal(0, server.ExitCode);
            }
            finally
            {
                if (!server.HasExited)
                {
                    server.Kill(entireProcessTree: true);
                }
            }
        }

        Assert.Contains(log, l => l.Contains("Application is shutting down", StringComparison.Ordinal));
        var (state, error, images) = JobRow(longJob);
        Assert.Equal("Interrupted", state);
        Assert.Equal("Interrupted by server shutdown.", error);
        Assert.True(images >= 1, "images finished before the shutdown are kept");
        Assert.Equal("Queued", JobRow(waiting).State);
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.FullName, "data", "outputs"), "*.tmp", SearchOption.AllDirectories));

        using (var second = StartServer(port, new ConcurrentQueue<string>()))
        {
            try
            {
                await WaitHealthyAsync(client);
                Assert.Equal("done", (await JobApi.WaitAsync(client, waiting, TimeSpan.FromSeconds(60))).GetProperty("state").GetString());
                Assert.Equal("interrupted", (await JobApi.GetAsync(client, longJob)).GetProperty("state").GetString());
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }
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

    private (string State, string? Error, int Images) JobRow(string id)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_root.FullName, "data", "webdiffusion.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state, error, (SELECT count(*) FROM images WHERE job_id = $id) FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), "no job " + id);
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2));
    }

    private Dictionary<string, string> IndexedImages()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_root.FullName, "data", "webdiffusion.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path, job_id FROM images";
        using var reader = command.ExecuteReader();
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            paths.Add(reader.GetString(0), reader.GetString(1));
        }

        return paths;
    }

    private Process StartServer(int port, ConcurrentQueue<string> log)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "WebDiffusion.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // these tests poll a job every few milliseconds; the per-client API rate limit (120 per 10 s) is not what they test
        info.Environment["WebDiffusion__RateLimit__PermitLimit"] = "100000";
        foreach (var arg in new[] { dll, "--content-root", RepositoryRoot.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--models-dir", Path.Combine(_root.FullName, "models"), "--data-dir", Path.Combine(_root.FullName, "data") })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                log.Enqueue(line);
            }
        };
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
