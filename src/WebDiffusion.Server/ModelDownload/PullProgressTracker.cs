namespace WebDiffusion.Server.ModelDownload;

/// <summary>Counts bytes of a pull across files and resumes and reports them, throttled, to an <see cref="IPullProgress"/>.</summary>
internal sealed class PullProgressTracker(IPullProgress sink, TimeProvider time, int fileCount, long bytesTotal)
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);
    private readonly long _started = time.GetTimestamp();
    private long _completedFilesBytes;
    private long _currentFileBytes;
    private long _transferred;
    private long _lastReport;
    private string _file = string.Empty;
    private int _fileIndex;

    /// <summary>Starts file number <paramref name="index"/> (1-based).</summary>
    public void StartFile(int index, string path)
    {
        _fileIndex = index;
        _file = path;
        _currentFileBytes = 0;
        Report(force: true, completed: false);
    }

    /// <summary>The current file already has <paramref name="bytes"/> on disk (a resumed or restarted download).</summary>
    public void SetFileBytes(long bytes) => _currentFileBytes = bytes;

    /// <summary><paramref name="bytes"/> more of the current file arrived from the network.</summary>
    public void AddTransferred(int bytes)
    {
        _currentFileBytes += bytes;
        _transferred += bytes;
        Report(force: false, completed: false);
    }

    /// <summary>The current file is complete and verified at <paramref name="size"/> bytes.</summary>
    public void CompleteFile(long size)
    {
        _currentFileBytes = size;
        Report(force: true, completed: true);
        _completedFilesBytes += size;
        _currentFileBytes = 0;
    }

    private void Report(bool force, bool completed)
    {
        var now = time.GetTimestamp();
        if (!force && time.GetElapsedTime(_lastReport, now) < ReportInterval)
        {
            return;
        }

        _lastReport = now;
        var seconds = time.GetElapsedTime(_started, now).TotalSeconds;
        var speed = seconds > 0 ? _transferred / seconds : 0;
        var done = _completedFilesBytes + _currentFileBytes;
        TimeSpan? eta = speed > 0 ? TimeSpan.FromSeconds(Math.Max(0, bytesTotal - done) / speed) : null;
        sink.Report(new PullProgress(_file, _fileIndex, fileCount, done, bytesTotal, speed, eta, completed));
    }
}
