using System.Globalization;
using System.Text;

namespace WebDiffusion.Server.Hosting;

/// <summary>
/// Client-controlled text made safe for one log line: control characters (CR, LF, NUL …) escaped as <c>\uXXXX</c>, length
/// capped, so a request cannot forge log lines or grow the log by megabytes.
/// </summary>
public static class LogText
{
    /// <summary>Characters kept of one value.</summary>
    public const int MaxValueChars = 80;

    /// <summary>Values listed in one line before "… and N more".</summary>
    public const int MaxValues = 20;

    /// <summary><paramref name="value"/> with control characters escaped, cut to <see cref="MaxValueChars"/>.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(Math.Min(value.Length, MaxValueChars) + 8);
        foreach (var c in value.Length > MaxValueChars ? value.AsSpan(0, MaxValueChars) : value.AsSpan())
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return value.Length > MaxValueChars ? builder.Append('…').ToString() : builder.ToString();
    }

    /// <summary>The values escaped and joined with ", " (at most <see cref="MaxValues"/>), or null when there are none.</summary>
    public static string? List(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = values.ToList();
        if (all.Count == 0)
        {
            return null;
        }

        var listed = string.Join(", ", all.Take(MaxValues).Select(Escape));
        return all.Count > MaxValues ? $"{listed} … and {all.Count - MaxValues} more" : listed;
    }
}
