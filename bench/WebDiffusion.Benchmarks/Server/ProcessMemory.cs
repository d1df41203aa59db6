using System.Diagnostics;
using System.Globalization;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>Process memory figures: RSS and peak RSS from /proc/self/status (Linux), the managed heap after a full GC.</summary>
public static class ProcessMemory
{
    /// <summary>Current resident set size in bytes (VmRSS; the working set where /proc is absent).</summary>
    public static long Rss => ReadStatus("VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64;

    /// <summary>Peak resident set size in bytes (VmHWM; the peak working set where /proc is absent).</summary>
    public static long PeakRss => ReadStatus("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64;

    /// <summary>Resets the kernel's peak-RSS counter (writes 5 to /proc/self/clear_refs); false where that is not allowed.</summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Forces a full, compacting, blocking collection (twice, around finalizers).</summary>
    public static void FullCollect()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>One line: RSS, managed heap and GC heap size (after <see cref="FullCollect"/> if asked).</summary>
    public static Snapshot Take(bool collect)
    {
        if (collect)
        {
            FullCollect();
        }

        var info = GC.GetGCMemoryInfo();
        return new Snapshot(Rss, PeakRss, GC.GetTotalMemory(false), info.HeapSizeBytes);
    }

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";

    private static long? ReadStatus(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>Memory figures at one moment.</summary>
    public readonly record struct Snapshot(long Rss, long PeakRss, long ManagedBytes, long GcHeapBytes)
    {
        public override string ToString() =>
            $"RSS {Mib(Rss)}, peak RSS {Mib(PeakRss)}, managed {Mib(ManagedBytes)}, GC heap {Mib(GcHeapBytes)}";
    }
}
