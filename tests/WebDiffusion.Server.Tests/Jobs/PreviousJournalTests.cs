using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>
/// A journal and its outputs written by the build before the SQLite upgrade (TestData/journal-sqlite-3.35, see its README)
/// open in this build with every job and image intact, full-text search working, and its queued job resumed.
/// </summary>
public sealed class PreviousJournalTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(RepositoryRoot.Path, "tests", "WebDiffusion.Server.Tests", "TestData", "journal-sqlite-3.35");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wd-oldjournal-");

    private string DataDir => Path.Combine(_dir.FullName, "data");

    [Fact]
    public void The_store_opens_the_previous_journal_with_every_job_and_image_as_the_file_holds_them()
    {
        CopyFixture(DataDir);
        var rawJobs = ReadRows(Path.Combine(DataDir, "webdiffusion.db"), "SELECT seq, id, owner, mode, request, state, created_at, started_at, finished_at, error, result FROM jobs ORDER BY seq");
        var rawImages = ReadRows(Path.Combine(DataDir, "webdiffusion.db"), "SELECT id, job_id, owner, path, seed, width, height, prompt, infotext, created_at, kind FROM images ORDER BY rowid");
        Assert.Equal(9, rawJobs.Count);
        Assert.Equal(12, rawImages.Count);

        var store = new JobStore(new WebDiffusionPaths(_dir.FullName, Path.Combine(_dir.FullName, "models"), DataDir));

        Assert.Equal(JobStoreSchema.CurrentVersion, ReadVersion(store.DatabasePath));
        Assert.Equal("ok", ReadRows(store.DatabasePath, "PRAGMA integrity_check")[0][0]);
        var (jobs, total) = store.ListByOwner("local", 1, 50);
        Assert.Equal(9, total);
        Assert.Equal(
            ["Done", "Done", "Done", "Done", "Cancelled", "Done", "Interrupted", "Cancelled", "Queued"],
            jobs.OrderBy(j => j.Sequence).Select(j => j.State.ToString()));
        foreach (var raw in rawJobs)
        {
            var job = store.Get((string)raw[1]!)!;
            Assert.Equal((long)raw[0]!, job.Sequence);
            Assert.Equal(((string)raw[2]!, (string)raw[3]!, (string)raw[5]!), (job.Owner, job.Mode, job.State.ToString()));
            // journal step 3 stores the old request inside a versioned envelope: nothing of it may be lost on the way
            Assert.Equal(JobEnvelope.Parse((string)raw[4]!).ToJson(), job.RequestJson);
            Assert.StartsWith("{\"v\":1,", job.RequestJson, StringComparison.Ordinal);
            Assert.Equal(DateTimeOffset.Parse((string)raw[6]!, CultureInfo.InvariantCulture), job.CreatedAt);
            Assert.Equal(raw[7] is string started ? DateTimeOffset.Parse(started, CultureInfo.InvariantCulture) : null, job.StartedAt);
            Assert.Equal(raw[8] is string finished ? DateTimeOffset.Parse(finished, CultureInfo.InvariantCulture) : null, job.FinishedAt);
            Assert.Equal(raw[9] as string, job.Error);
            Assert.Equal(raw[10] as string, job.ResultJson);
            Assert.Equal(rawImages.Where(i => Equals(i[1], raw[1])).Select(i => (string)i[0]!).Order(StringComparer.Ordinal), job.ImageIds.Order(StringComparer.Ordinal));
        }

        Assert.Equal("Interrupted by server shutdown.", store.Get("dc4127a8a116418fbe228dbdeff63339")!.Error);
        Assert.Equal(3, store.Get("dc4127a8a116418fbe228dbdeff63339")!.ImageIds.Count);
        Assert.Equal(["9e58c027b5f84ec786828091fe14f156"], store.QueuedJobs().Select(q => q.Id));

        foreach (var raw in rawImages)
        {
            var image = store.GetImage((string)raw[0]!)!;
            Assert.Equal(
                ((string)raw[1]! is "" ? null : (string)raw[1]!, (string)raw[2]!, (string)raw[3]!, (long)raw[4]!, (int)(long)raw[5]!, (int)(long)raw[6]!, (string)raw[7]!, (string)raw[8]!, (string)raw[10]!),
                (image.JobId, image.Owner, image.RelativePath, image.Seed, image.Width, image.Height, image.Prompt, image.Infotext, image.Kind));
            var png = PngDecoder.Decode(File.ReadAllBytes(Path.Combine(DataDir, "outputs", image.RelativePath)));
            Assert.Equal((image.Width, image.Height), (png.Image.Width, png.Image.Height));
        }

        Assert.Equal(1, rawImages.Count(i => Equals(i[10], ImageKind.Extras)));
    }

    [Fact]
    public void Full_text_search_finds_the_previous_journal_s_images_by_prompt_and_infotext()
    {
        CopyFixture(DataDir);
        var store = new JobStore(new WebDiffusionPaths(_dir.FullName, Path.Combine(_dir.FullName, "models"), DataDir));

        string[] Search(string query) => [.. store.SearchImages("local", query, 1, 50).Items.Select(i => i.Id).Order(StringComparer.Ordinal)];

        Assert.Equal(["3c60c195c1694dd78bfbb86f21a1eb83", "852ce3301e2d4f5bb683800712613679", "f03525a4297f440a82c76ba7d6b2a5ee"], Search("lighthouse"));
        Assert.Equal(["496b2a287b2044c3a8cd5a7803a31f38"], Search("fox Karras"));
        Assert.Equal(["cd9490039a5c4d74b7c2b79c4ea29805"], Search("Lanczos"));
        Assert.Equal(3, Search("castle interrupted").Length);
        Assert.Empty(Search("lighthouse fox"));

        // New rows go on being indexed next to the old ones.
        store.AddImage(new ImageRecord("new1", null, "local", "extras-images/00001.png", 0, 8, 8, string.Empty, "a lighthouse upscaled again", DateTimeOffset.UtcNow, ImageKind.Extras));
        Assert.Equal(4, Search("lighthouse").Length);
        Assert.True(store.DeleteImage("3c60c195c1694dd78bfbb86f21a1eb83"));
        Assert.Equal(["852ce3301e2d4f5bb683800712613679", "f03525a4297f440a82c76ba7d6b2a5ee", "new1"], Search("lighthouse"));
    }

    [Fact]
    public async Task A_server_on_the_previous_data_folder_serves_every_image_and_runs_the_queued_job()
    {
        var images = new List<(string Id, string Path)>();
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            CopyFixture(Path.Combine(root, "data"));
            images.AddRange(ReadRows(Path.Combine(root, "data", "webdiffusion.db"), "SELECT id, path FROM images").Select(r => ((string)r[0]!, (string)r[1]!)));
            DemoModel.Write(root);
        });

        using var list = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/images?pageSize=50", UriKind.Relative)));
        var items = list.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(12, images.Count);
        Assert.Subset(items.Select(i => i.GetProperty("id").GetString()!).ToHashSet(), images.Select(i => i.Id).ToHashSet());
        foreach (var (id, path) in images)
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(Fixture, "outputs", path));
            Assert.Equal(expected, await server.Client.GetByteArrayAsync(new Uri($"/api/images/{id}", UriKind.Relative)));
        }

        var resumed = await JobApi.WaitAsync(server.Client, "9e58c027b5f84ec786828091fe14f156", TimeSpan.FromSeconds(60));
        Assert.Equal("done", resumed.GetProperty("state").GetString());
        Assert.Equal(1, resumed.GetProperty("imageIds").GetArrayLength());
        var old = await JobApi.GetAsync(server.Client, "dc4127a8a116418fbe228dbdeff63339");
        Assert.Equal(("interrupted", 3), (old.GetProperty("state").GetString(), old.GetProperty("imageIds").GetArrayLength()));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    private static void CopyFixture(string dataDir)
    {
        foreach (var file in Directory.GetFiles(Fixture, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("README.md", StringComparison.Ordinal)))
        {
            var target = Path.Combine(dataDir, Path.GetRelativePath(Fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static List<object?[]> ReadRows(string databasePath, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static long ReadVersion(string databasePath) => (long)ReadRows(databasePath, "PRAGMA user_version")[0][0]!;
}
