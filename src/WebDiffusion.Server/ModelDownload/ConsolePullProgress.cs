namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// Writes pull progress to a console: on a terminal one line rewritten in place (carriage return); otherwise (a log, a
/// pipe, a test) one line per finished file and at most one every few seconds in between.
/// </summary>
public sealed class ConsolePullProgress(TextWriter output, bool interactive, TimeProvider time) : IPullProgress
{
    private static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private long _lastLine = time.GetTimestamp();
    private int _lastWidth;

    /// <inheritdoc />
    public void Report(PullProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var line = ByteFormat.ProgressLine(progress);
        lock (_lock)
        {
            if (interactive)
            {
                output.Write("\r" + line.PadRight(_lastWidth));
                _lastWidth = line.Length;
                if (progress.FileCompleted)
                {
                    output.WriteLine();
                    _lastWidth = 0;
                }

                return;
            }

            var now = time.GetTimestamp();
            if (progress.FileCompleted || time.GetElapsedTime(_lastLine, now) >= QuietInterval)
            {
                output.WriteLine(line + (progress.FileCompleted ? "  ok" : string.Empty));
                _lastLine = now;
            }
        }
    }
}
