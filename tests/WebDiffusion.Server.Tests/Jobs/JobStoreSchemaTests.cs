using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
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

        Assert.Equal(1, JobStoreSchema.CurrentVersion);
        Assert.Equal(JobStoreSchema.CurrentVersion, ReadVersion());
    }

    [Fact]
    public void A_journal_from_before_versioning_is_stamped_and_keeps_its_jobs()
    {
        var job = new JobStore(Paths).Insert("local", "txt2img", """{"prompt":"kept"}""");
        SetVersion(0); // what every file written before versioning carries

        var reopened = new JobStore(Paths);

        Assert.Equal(JobStoreSchema.CurrentVersion, ReadVersion());
        Assert.Equal("""{"prompt":"kept"}""", reopened.Get(job.Id)?.RequestJson);
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
