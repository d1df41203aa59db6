using System.Globalization;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>Percentiles over a sample (nearest rank).</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    /// <summary>"p50 X ms, p95 Y ms, max Z ms" for values in milliseconds.</summary>
    public static string Summary(IReadOnlyList<double> milliseconds)
    {
        ArgumentNullException.ThrowIfNull(milliseconds);
        return milliseconds.Count == 0
            ? "no samples"
            : string.Create(CultureInfo.InvariantCulture,
                $"n={milliseconds.Count}, p50 {Percentile(milliseconds, 50):F2} ms, p95 {Percentile(milliseconds, 95):F2} ms, p99 {Percentile(milliseconds, 99):F2} ms, max {milliseconds.Max():F2} ms");
    }
}
