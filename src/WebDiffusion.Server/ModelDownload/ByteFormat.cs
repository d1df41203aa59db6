using System.Globalization;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>Human-readable sizes, speeds and durations for progress lines (invariant culture).</summary>
public static class ByteFormat
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>1536 → "1.5 KiB".</summary>
    public static string Size(double bytes)
    {
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }

    /// <summary>A duration as "1h02m", "3m05s" or "7s"; "?" when unknown.</summary>
    public static string Duration(TimeSpan? duration)
    {
        if (duration is not { } d || d.TotalDays > 30)
        {
            return "?";
        }

        return d.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h{d.Minutes:00}m")
            : d.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Minutes}m{d.Seconds:00}s")
                : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(d.TotalSeconds):0}s");
    }

    /// <summary>One progress line: "[3/9] unet/weights.pb  412.3 MiB / 1.6 GiB (25%)  18.2 MiB/s  ETA 1m05s".</summary>
    public static string ProgressLine(PullProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var percent = progress.BytesTotal > 0 ? 100.0 * progress.BytesDone / progress.BytesTotal : 100.0;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{progress.FileIndex}/{progress.FileCount}] {progress.File}  {Size(progress.BytesDone)} / {Size(progress.BytesTotal)} ({percent:0}%)  {Size(progress.BytesPerSecond)}/s  ETA {Duration(progress.Eta)}");
    }
}
