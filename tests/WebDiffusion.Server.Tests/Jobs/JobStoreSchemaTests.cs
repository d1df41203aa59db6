using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

public sealed class JobStoreSchemaTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wd-schema-");

    private WebDiffusionPaths Paths => new(_dir.FullName, Path.Combine(_dir.FullName, "models"), _dir.FullName);

    private string DatabasePath => Path.Combine(_dir.FullName, "webdiffusion.db");

    [Fact]
    public void A_new_journal_is_stamped_with_the_current_version()
    {
        var store = new JobStore(Paths);
        store.Insert("local", "txt2img", "{}");

        Assert.Equal(3, JobStoreSchema.CurrentVersion);
        Assert.Equal(JobStoreSchema.CurrentVersion, ReadVersion());
    }

    [Fact]
    public void A_journal_from_before_versioning_is_stamped_and_keeps_its_jobs()
    {
        WriteVersion1(); // the layout every file written before versioning has
        SetVersion(0); // and the version it carries

        var reopened = new JobStore(Paths);

        Assert.Equal(JobStoreSchema.CurrentVersion, ReadVersion());
        Assert.Equal("""{"prompt":"old"}""", JobEnvelope.Parse(reopened.Get("j1")!.RequestJson!).Request.ToJsonString());
        Assert.Equal(ImageKind.Generated, reopened.GetImage("i1")?.Kind);
    }

    [Fact]
    public void A_version_1_journal_with_data_is_migrated_and_keeps_its_jobs_and_images()
    {
        WriteVersion1();
        Assert.Equal(1, ReadVersion());

        var store = new JobStore(Paths);

        Assert.Equal(3, ReadVersion());
        Assert.Equal("""{"prompt":"old"}""", JobEnvelope.Parse(store.Get("j1")!.RequestJson!).Request.ToJsonString());
        Assert.Equal("old", store.Get("j1")!.Prompt);
        Assert.Equal(["i1"], store.Get("j1")!.ImageIds);
        var image = store.GetImage("i1")!;
        Assert.Equal(("j1", "bob", 7L, 64, 48, ImageKind.Generated), (image.JobId, image.Owner, image.Seed, image.Width, image.Height, image.Kind));
        Assert.Equal("i1", Assert.Single(store.SearchImages("bob", "lighthouse", 1, 10).Items).Id);

        // The new column takes new rows: an Extras image with no job.
        store.AddImage(new ImageRecord("i2", null, "bob", "extras-images/00000.png", 0, 8, 8, string.Empty, "Postprocess upscaler: Nearest", DateTimeOffset.UtcNow, ImageKind.Extras));
        var extras = store.GetImage("i2")!;
        Assert.Equal((null, ImageKind.Extras), (extras.JobId, extras.Kind));
        Assert.Equal("i2", Assert.Single(store.SearchImages("bob", "Nearest", 1, 10).Items).Id);
    }

    [Fact]
    public void A_journal_from_a_newer_build_is_refused_and_left_untouched()
    {
        new JobStore(Paths).Insert("local", "txt2img", "{}");
        SetVersion(JobStoreSchema.CurrentVersion + 1);
        SqliteConnection.ClearAllPools();
        var before = SHA256.HashData(File.ReadAllBytes(DatabasePath));

        var ex = Assert.Throws<JobStoreVersionException>(() => new JobStore(Paths));

        Assert.Contains("newer WebDiffusion", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--data-dir", ex.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(DatabasePath)));
        Assert.Equal(JobStoreSchema.CurrentVersion + 1, ReadVersion());
    }

    [Fact]
    public async Task The_server_refuses_to_start_on_a_newer_journal_with_exit_code_2_and_the_reason()
    {
        new JobStore(Paths).Insert("local", "txt2img", "{}");
        SetVersion(JobStoreSchema.CurrentVersion + 7);
        SqliteConnection.ClearAllPools();
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        int code;
        try
        {
            code = await WebDiffusionApp.RunAsync(["--content-root", RepositoryRoot.Path, "--port", "0", "--data-dir", _dir.FullName], CancellationToken.None);
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Equal(2, code);
        Assert.Contains("newer WebDiffusion", stderr.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public void Version_2_jobs_are_upgraded_to_envelopes_with_the_api_flag_taken_out_of_the_body()
    {
        WriteVersion1(2,
            ("sd", """{"prompt":"a fox","model":"tiny","override_settings_restore_afterwards":false,"webdiffusion_api_defaults":true}"""),
            ("native", """{"prompt":"a hen","steps":3}"""),
            ("number", """{"prompt":42}"""),
            ("broken", "not json"));

        var store = new JobStore(Paths);

        Assert.Equal(3, ReadVersion());
        var sd = JobEnvelope.Parse(store.Get("sd")!.RequestJson!);
        Assert.Equal((GenerationProfile.A1111, false, "tiny"), (sd.Profile, sd.RestoreAfterwards, sd.Checkpoint));
        Assert.Equal("""{"prompt":"a fox","model":"tiny","override_settings_restore_afterwards":false}""", sd.Request.ToJsonString());
        var native = JobEnvelope.Parse(store.Get("native")!.RequestJson!);
        Assert.Equal((GenerationProfile.Native, true, (string?)null), (native.Profile, native.RestoreAfterwards, native.Checkpoint));
        Assert.Equal(("a fox", "a hen", (string?)null, (string?)null), (store.Get("sd")!.Prompt, store.Get("native")!.Prompt, store.Get("number")!.Prompt, store.Get("broken")!.Prompt));
        Assert.Equal("not json", store.Get("broken")!.RequestJson);

        // Lists read the prompt column only, never the request.
        var (items, total) = store.ListByOwner("bob", 1, 10);
        Assert.Equal(5, total);
        Assert.All(items, j => Assert.Null(j.RequestJson));
        Assert.Equal("a fox", items.Single(j => j.Id == "sd").Prompt);
    }

    [Fact]
    public void A_stored_body_of_the_old_shape_still_reads_as_an_envelope()
    {
        var legacy = JobEnvelope.Parse("""{"prompt":"x","model":"m","webdiffusion_api_defaults":true}""");
        var roundTrip = JobEnvelope.Parse(legacy.ToJson());

        Assert.Equal((GenerationProfile.A1111, true, "m", """{"prompt":"x","model":"m"}"""), (legacy.Profile, legacy.RestoreAfterwards, legacy.Checkpoint, legacy.Request.ToJsonString()));
        Assert.Equal((legacy.Profile, legacy.RestoreAfterwards, legacy.Checkpoint, legacy.Request.ToJsonString()),
            (roundTrip.Profile, roundTrip.RestoreAfterwards, roundTrip.Checkpoint, roundTrip.Request.ToJsonString()));
        Assert.Throws<FormatException>(() => JobEnvelope.Parse("""{"v":9,"request":{}}"""));
    }

    /// <summary>A version-1 journal (as written by the build before step 2) with one job and its image.</summary>
    private void WriteVersion1(int version = 1, params (string Id, string Request)[] jobs)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        JobStoreSchema.Migrate(connection, DatabasePath, targetVersion: version);
        foreach (var (id, request) in jobs)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO jobs(id, owner, mode, request, state, created_at) VALUES ($id, 'bob', 'txt2img', $request, 'Done', '2024-07-27T10:00:00.0000000+00:00')";
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$request", request);
            insert.ExecuteNonQuery();
        }

        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO jobs(id, owner, mode, request, state, created_at) VALUES ('j1', 'bob', 'txt2img', '{"prompt":"old"}', 'Done', '2024-07-27T10:00:00.0000000+00:00');
            INSERT INTO images(id, job_id, owner, path, seed, width, height, prompt, infotext, created_at)
              VALUES ('i1', 'j1', 'bob', 'txt2img-images/2024-07-27/00000-7.png', 7, 64, 48, 'a lighthouse', 'a lighthouse, Seed: 7', '2024-07-27T10:00:01.0000000+00:00');
            """;
        command.ExecuteNonQuery();
    }

    private int ReadVersion()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        return JobStoreSchema.ReadVersion(connection);
    }

    private void SetVersion(int version)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA user_version = {version}; PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }
}
