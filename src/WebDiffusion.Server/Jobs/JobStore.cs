using System.Globalization;
using Microsoft.Data.Sqlite;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// The job journal and image index in SQLite (WAL): survives restarts; on start-up running jobs become
/// interrupted and queued ones are handed back in order. All methods are thread-safe (one connection each call).
/// </summary>
public sealed class JobStore
{
    private readonly string _connectionString;

    public JobStore(WebDiffusionPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Directory.CreateDirectory(paths.DataDir);
        DatabasePath = Path.Combine(paths.DataDir, "webdiffusion.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = DatabasePath, Cache = SqliteCacheMode.Private, Pooling = true }.ToString();
        using var connection = Open();
        JobStoreSchema.Migrate(connection, DatabasePath); // first: a file from a newer build is refused untouched
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    }

    /// <summary>Full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Journals a queued job: its stored envelope and, for lists, its prompt.</summary>
    public JobRecord Insert(string owner, string mode, string requestJson, string? prompt = null)
    {
        var id = NewId();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO jobs(id, owner, mode, request, prompt, state, created_at) VALUES ($id, $owner, $mode, $request, $prompt, $state, $now) RETURNING seq";
        command.Parameters.AddWithValue("$prompt", (object?)prompt ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$mode", mode);
        command.Parameters.AddWithValue("$request", requestJson);
        command.Parameters.AddWithValue("$state", nameof(JobState.Queued));
        command.Parameters.AddWithValue("$now", Now());
        command.ExecuteScalar();
        return Get(id)!;
    }

    public JobRecord? Get(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, owner, mode, request, state, created_at, started_at, finished_at, error, result, prompt FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadJob(connection, reader) : null;
    }

    /// <summary>Jobs of <paramref name="owner"/>, newest first, without their request (<see cref="JobRecord.RequestJson"/> is null).</summary>
    public (IReadOnlyList<JobRecord> Items, int Total) ListByOwner(string owner, int page, int pageSize)
    {
        using var connection = Open();
        var total = Convert.ToInt32(Scalar(connection, "SELECT count(*) FROM jobs WHERE owner = $owner", ("$owner", owner)), CultureInfo.InvariantCulture);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, id, owner, mode, NULL, state, created_at, started_at, finished_at, error, result, prompt FROM jobs WHERE owner = $owner ORDER BY seq DESC LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$limit", pageSize);
        command.Parameters.AddWithValue("$offset", (page - 1) * pageSize);
        using var reader = command.ExecuteReader();
        var items = new List<JobRecord>();
        while (reader.Read())
        {
            items.Add(ReadJob(connection, reader));
        }

        return (items, total);
    }

    public int CountActive(string owner)
    {
        using var connection = Open();
        return Convert.ToInt32(Scalar(connection, "SELECT count(*) FROM jobs WHERE owner = $owner AND state IN ('Queued','Running')", ("$owner", owner)), CultureInfo.InvariantCulture);
    }

    /// <summary>Jobs waiting to run (the journal's count: a job cancelled while queued no longer counts).</summary>
    public int CountQueued()
    {
        using var connection = Open();
        return Convert.ToInt32(Scalar(connection, "SELECT count(*) FROM jobs WHERE state = 'Queued'"), CultureInfo.InvariantCulture);
    }

    /// <summary>Number of queued jobs ahead of the job with sequence <paramref name="sequence"/>.</summary>
    public int QueuePosition(long sequence)
    {
        using var connection = Open();
        return Convert.ToInt32(Scalar(connection, "SELECT count(*) FROM jobs WHERE state = 'Queued' AND seq < $seq", ("$seq", sequence)), CultureInfo.InvariantCulture);
    }

    /// <summary>Number of queued jobs ahead of job <paramref name="id"/>, or null when it is not queued.</summary>
    public int? QueuePositionOf(string id)
    {
        using var connection = Open();
        var value = Scalar(connection,
            "SELECT (SELECT count(*) FROM jobs q WHERE q.state = 'Queued' AND q.seq < j.seq) FROM jobs j WHERE j.id = $id AND j.state = 'Queued'", ("$id", id));
        return value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Every queued job in queue order (index = position): one query, however long the queue.</summary>
    public IReadOnlyList<QueuedJob> QueuedJobs()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, owner, seq FROM jobs WHERE state = 'Queued' ORDER BY seq";
        using var reader = command.ExecuteReader();
        var jobs = new List<QueuedJob>();
        while (reader.Read())
        {
            jobs.Add(new QueuedJob(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return jobs;
    }

    /// <summary>Cancels a job that is still queued; false when it has started or ended.</summary>
    public bool CancelQueued(string id)
    {
        using var connection = Open();
        return Execute(connection, "UPDATE jobs SET state = 'Cancelled', finished_at = $now, error = NULL WHERE id = $id AND state = 'Queued'", ("$id", id), ("$now", Now())) == 1;
    }

    /// <summary>Moves a queued job to running; false when it is no longer queued (e.g. cancelled).</summary>
    public bool TryStart(string id)
    {
        using var connection = Open();
        return Execute(connection, "UPDATE jobs SET state = 'Running', started_at = $now WHERE id = $id AND state = 'Queued'", ("$id", id), ("$now", Now())) == 1;
    }

    /// <summary>Ends an active job; false when it had already ended.</summary>
    public bool Finish(string id, JobState state, string? error)
    {
        using var connection = Open();
        return Execute(connection, "UPDATE jobs SET state = $state, finished_at = $now, error = $error WHERE id = $id AND state IN ('Queued','Running')",
            ("$id", id), ("$state", state.ToString()), ("$now", Now()), ("$error", (object?)error ?? DBNull.Value)) == 1;
    }

    /// <summary>Start-up recovery: running jobs become interrupted; returns queued job ids in submission order.</summary>
    public IReadOnlyList<string> Recover()
    {
        using var connection = Open();
        Execute(connection, "UPDATE jobs SET state = 'Interrupted', finished_at = $now, error = 'The server stopped while this job was running.' WHERE state = 'Running'", ("$now", Now()));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM jobs WHERE state = 'Queued' ORDER BY seq";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Stores the job's result description (A1111's <c>info</c> JSON).</summary>
    public void SetResult(string id, string resultJson)
    {
        using var connection = Open();
        Execute(connection, "UPDATE jobs SET result = $result WHERE id = $id", ("$id", id), ("$result", resultJson));
    }

    public void AddImage(ImageRecord image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var connection = Open();
        Execute(connection, "INSERT INTO images(id, job_id, owner, path, seed, width, height, prompt, infotext, created_at, kind) VALUES ($id,$job,$owner,$path,$seed,$w,$h,$prompt,$info,$now,$kind)",
            ("$id", image.Id), ("$job", image.JobId ?? string.Empty), ("$kind", image.Kind), ("$owner", image.Owner), ("$path", image.RelativePath), ("$seed", image.Seed),
            ("$w", image.Width), ("$h", image.Height), ("$prompt", image.Prompt), ("$info", image.Infotext), ("$now", image.CreatedAt.ToString("O", CultureInfo.InvariantCulture)));
    }

    public ImageRecord? GetImage(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, job_id, owner, path, seed, width, height, prompt, infotext, created_at, kind FROM images WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadImage(reader) : null;
    }

    public bool DeleteImage(string id)
    {
        using var connection = Open();
        return Execute(connection, "DELETE FROM images WHERE id = $id", ("$id", id)) == 1;
    }

    /// <summary>Images of <paramref name="owner"/> (all owners when null), newest first, optionally full-text searched.</summary>
    public (IReadOnlyList<ImageRecord> Items, int Total) SearchImages(string? owner, string? query, int page, int pageSize)
    {
        using var connection = Open();
        var match = ToFtsQuery(query);
        var where = "WHERE ($owner IS NULL OR i.owner = $owner)" + (match is null ? string.Empty : " AND i.rowid IN (SELECT rowid FROM images_fts WHERE images_fts MATCH $match)");
        var parameters = new List<(string, object?)> { ("$owner", (object?)owner ?? DBNull.Value) };
        if (match is not null)
        {
            parameters.Add(("$match", match));
        }

        var total = Convert.ToInt32(Scalar(connection, "SELECT count(*) FROM images i " + where, [.. parameters]), CultureInfo.InvariantCulture);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT i.id, i.job_id, i.owner, i.path, i.seed, i.width, i.height, i.prompt, i.infotext, i.created_at, i.kind FROM images i " + where + " ORDER BY i.rowid DESC LIMIT $limit OFFSET $offset";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.Parameters.AddWithValue("$limit", pageSize);
        command.Parameters.AddWithValue("$offset", (page - 1) * pageSize);
        using var reader = command.ExecuteReader();
        var items = new List<ImageRecord>();
        while (reader.Read())
        {
            items.Add(ReadImage(reader));
        }

        return (items, total);
    }

    /// <summary>Every image path the index knows (relative to the outputs folder).</summary>
    public IReadOnlyList<string> AllImagePaths()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path FROM images";
        using var reader = command.ExecuteReader();
        var paths = new List<string>();
        while (reader.Read())
        {
            paths.Add(reader.GetString(0));
        }

        return paths;
    }

    /// <summary>Removes the rows of <paramref name="relativePaths"/> in one transaction; returns how many rows went.</summary>
    public int DeleteImagesByPath(IReadOnlyCollection<string> relativePaths)
    {
        ArgumentNullException.ThrowIfNull(relativePaths);
        if (relativePaths.Count == 0)
        {
            return 0;
        }

        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM images WHERE path = $path";
        var path = command.Parameters.Add("$path", SqliteType.Text);
        var removed = 0;
        foreach (var relative in relativePaths)
        {
            path.Value = relative;
            removed += command.ExecuteNonQuery();
        }

        transaction.Commit();
        return removed;
    }

    /// <summary>
    /// The job (id, owner) that was running at <paramref name="time"/> and wrote to the <paramref name="img2img"/> folder
    /// or the txt2img one; null when none was. Jobs run one at a time, so at most one job's run covers an instant.
    /// </summary>
    public (string Id, string Owner)? FindJobRunningAt(DateTimeOffset time, bool img2img)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, owner FROM jobs WHERE started_at IS NOT NULL AND started_at <= $t AND (finished_at IS NULL OR finished_at >= $t) "
            + (img2img ? "AND mode = 'img2img'" : "AND mode <> 'img2img'") + " ORDER BY seq DESC LIMIT 1";
        command.Parameters.AddWithValue("$t", time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Turns free text into a safe FTS5 query: each word quoted, all words required.</summary>
    internal static string? ToFtsQuery(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return null;
        }

        var words = query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")
            .Take(16);
        return string.Join(' ', words);
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout=5000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteScalar();
    }

    private static JobRecord ReadJob(SqliteConnection connection, SqliteDataReader r)
    {
        var id = r.GetString(1);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM images WHERE job_id = $id ORDER BY rowid";
        command.Parameters.AddWithValue("$id", id);
        var images = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                images.Add(reader.GetString(0));
            }
        }

        return new JobRecord(
            id, r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), Enum.Parse<JobState>(r.GetString(5)),
            ParseTime(r.GetString(6)), r.IsDBNull(7) ? null : ParseTime(r.GetString(7)), r.IsDBNull(8) ? null : ParseTime(r.GetString(8)),
            r.IsDBNull(9) ? null : r.GetString(9), images, r.GetInt64(0), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11));
    }

    private static ImageRecord ReadImage(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1) is { Length: > 0 } jobId ? jobId : null, r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt32(5), r.GetInt32(6),
        r.GetString(7), r.GetString(8), ParseTime(r.GetString(9)), r.GetString(10));

    private static DateTimeOffset ParseTime(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
