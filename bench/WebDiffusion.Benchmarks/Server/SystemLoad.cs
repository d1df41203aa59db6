using System.Globalization;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>The machine's load average (other processes compete for the cores), printed next to each figure.</summary>
public static class SystemLoad
{
    /// <summary>"load 17.8 / 17.5 / 17.2" (1, 5, 15 minutes), or "load unknown" off Linux.</summary>
    public static string Describe()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Create(CultureInfo.InvariantCulture, $"load {parts[0]} / {parts[1]} / {parts[2]}");
        }
        catch (IOException)
        {
            return "load unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "load unknown";
        }
    }
}
