using System.Globalization;
using Microsoft.Data.Sqlite;

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// The versioned schema of the job journal (<c>PRAGMA user_version</c>). Each step moves the file one version up in
/// its own transaction (a failed step leaves the file at the version before it). A file from a newer WebDiffusion
/// is never touched.
/// </summary>
public static class JobStoreSchema
{
    /// <summary>The version this build writes.</summary>
    public static int CurrentVersion => Steps.Length;

    // Steps[i] takes a file from version i to version i + 1. Never edit a released step: add one.
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE IF NOT EXISTS jobs (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          owner TEXT NOT NULL,
          mode TEXT NOT NULL,
          request TEXT NOT NULL,
          state TEXT NOT NULL,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT,
          error TEXT,
          result TEXT);
        CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, seq);
        CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
        CREATE TABLE IF NOT EXISTS images (
          rowid INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          job_id TEXT NOT NULL,
          owner TEXT NOT NULL,
          path TEXT NOT NULL,
          seed INTEGER NOT NULL,
          width INTEGER NOT NULL,
          height INTEGER NOT NULL,
          prompt TEXT NOT NULL,
          infotext TEXT NOT NULL,
          created_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS images_job ON images(job_id);
        CREATE INDEX IF NOT EXISTS images_owner ON images(owner, rowid);
        CREATE VIRTUAL TABLE IF NOT EXISTS images_fts USING fts5(prompt, infotext, content='images', content_rowid='rowid');
        CREATE TRIGGER IF NOT EXISTS images_ai AFTER INSERT ON images BEGIN
          INSERT INTO images_fts(rowid, prompt, infotext) VALUES (new.rowid, new.prompt, new.infotext); END;
        CREATE TRIGGER IF NOT EXISTS images_ad AFTER DELETE ON images BEGIN
          INSERT INTO images_fts(images_fts, rowid, prompt, infotext) VALUES ('delete', old.rowid, old.prompt, old.infotext); END;
        """,
    ];

    /// <summary>
    /// Brings the open database at <paramref name="databasePath"/> to <see cref="CurrentVersion"/>. A file written
    /// before versioning (tables present, version 0) has exactly the version-1 layout and is stamped, not rebuilt.
    /// </summary>
    /// <exception cref="JobStoreVersionException">The file was written by a newer WebDiffusion.</exception>
    public static void Migrate(SqliteConnection connection, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(databasePath);
        var version = ReadVersion(connection);
        if (version > CurrentVersion)
        {
            throw new JobStoreVersionException(
                $"{databasePath} was written by a newer WebDiffusion (journal schema {version}; this build knows up to {CurrentVersion}). "
                + "Run the newer version, or start this one with another --data-dir. The file was not changed.");
        }

        if (version == 0 && HasTable(connection, "jobs"))
        {
            SetVersion(connection, 1); // created by a build from before versioning: the same layout as step 1
            version = 1;
        }

        if (version == CurrentVersion)
        {
            return;
        }

        for (var step = version; step < CurrentVersion; step++)
        {
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = Steps[step] + $"\nPRAGMA user_version = {step + 1};";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>The schema version stored in the file (0 for a new or pre-versioning file).</summary>
    public static int ReadVersion(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void SetVersion(SqliteConnection connection, int version)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)};";
        command.ExecuteNonQuery();
    }

    private static bool HasTable(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", name);
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }
}
