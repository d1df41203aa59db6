using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.ModelDownload;

namespace WebDiffusion.Server.Doctor;

/// <summary>The data folder (queue database, outputs, logs) exists or can be created, is writable and has room.</summary>
public sealed class DataDirDoctorCheck(WebDiffusionPaths paths) : IDoctorCheck
{
    private const long LowSpaceBytes = 2L << 30;

    /// <inheritdoc />
    public Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        const string Name = "Data folder";
        IReadOnlyList<DoctorCheckResult> results;
        try
        {
            Directory.CreateDirectory(paths.DataDir);
            var probe = Path.Combine(paths.DataDir, $".doctor-{Guid.NewGuid():N}.tmp");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            var free = new DriveInfo(paths.DataDir).AvailableFreeSpace;
            var line = $"{paths.DataDir} is writable ({ByteFormat.Size(free)} free); outputs in {paths.OutputsDir}, logs in {paths.LogsDir}";
            results = free < LowSpaceBytes
                ? [DoctorCheckResult.Warn(Name, line, "Free some disk space: images and the queue database are written here.")]
                : [DoctorCheckResult.Ok(Name, line)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            results =
            [
                DoctorCheckResult.Fail(Name, $"{paths.DataDir} is not writable: {ex.Message}",
                    "Give the user running WebDiffusion write access to it (chown/chmod), or choose another folder with --data-dir."),
            ];
        }

        return Task.FromResult(results);
    }
}
