using System.Collections.Concurrent;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// Runs pulls started from the API in the background, one at a time, and keeps their progress for
/// <c>GET /api/models/pulls</c>. Pulls stop when the server shuts down (their partial folders stay for a resume).
/// </summary>
public sealed class ModelPullService : IDisposable
{
    private const int MaxKept = 50;
    private readonly ModelPuller _puller;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelPullService> _logger;
    private readonly ConcurrentDictionary<string, Entry> _pulls = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startLock = new();

    public ModelPullService(ModelPuller puller, TimeProvider time, ILogger<ModelPullService> logger)
    {
        _puller = puller;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every pull this process started, newest first.</summary>
    public IReadOnlyList<ModelPullStatus> List() => [.. _pulls.Values.Select(e => e.Snapshot()).OrderByDescending(s => s.StartedAt)];

    /// <summary>
    /// Queues a pull; throws <see cref="ModelPullException"/> for a bad request and <see cref="InvalidOperationException"/>
    /// when a pull of the same name is already queued or running.
    /// </summary>
    public ModelPullStatus Start(string? repo, string? revision, string? name)
    {
        var request = ModelPullRequest.Create(repo, revision, name);
        Entry entry;
        lock (_startLock)
        {
            if (_pulls.Values.Any(e => e.IsActive && string.Equals(e.Request.Name, request.Name, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"A pull into '{request.Name}' is already queued or running.");
            }

            Prune();
            entry = new Entry(Guid.NewGuid().ToString("N")[..12], request, _time.GetUtcNow());
            _pulls[entry.Id] = entry;
        }

        _ = Task.Run(() => RunAsync(entry));
        return entry.Snapshot();
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _oneAtATime.Dispose();
    }

    private async Task RunAsync(Entry entry)
    {
        try
        {
            var token = _stopping.Token;
            await _oneAtATime.WaitAsync(token).ConfigureAwait(false);
            try
            {
                entry.State = ModelPullState.Running;
                await _puller.PullAsync(entry.Request, entry, token).ConfigureAwait(false);
                entry.Finish(ModelPullState.Completed, null, _time.GetUtcNow());
            }
            finally
            {
                _oneAtATime.Release();
            }
        }
        catch (ModelPullException ex)
        {
            entry.Finish(ModelPullState.Failed, ex.Message, _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            entry.Finish(ModelPullState.Failed, "stopped: the server is shutting down (run the pull again to resume).", _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "Pull of {Repo} failed", entry.Request.Repo);
            entry.Finish(ModelPullState.Failed, ex.Message, _time.GetUtcNow());
        }
    }

    private void Prune()
    {
        foreach (var old in _pulls.Values.Where(e => !e.IsActive).OrderBy(e => e.StartedAt).Take(Math.Max(0, _pulls.Count - MaxKept + 1)))
        {
            _pulls.TryRemove(old.Id, out _);
        }
    }

    private sealed class Entry(string id, ModelPullRequest request, DateTimeOffset startedAt) : IPullProgress
    {
        private volatile PullProgress? _progress;
        private volatile string? _error;
        private volatile int _state;
        private DateTimeOffset? _finishedAt;

        public string Id { get; } = id;

        public ModelPullRequest Request { get; } = request;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public ModelPullState State
        {
            get => (ModelPullState)_state;
            set => _state = (int)value;
        }

        public bool IsActive => State is ModelPullState.Queued or ModelPullState.Running;

        public void Report(PullProgress progress) => _progress = progress;

        public void Finish(ModelPullState state, string? error, DateTimeOffset at)
        {
            _error = error;
            _finishedAt = at;
            State = state;
        }

        public ModelPullStatus Snapshot() =>
            new(Id, Request.Repo, Request.Revision, Request.Name, State, _progress, _error, StartedAt, _finishedAt);
    }
}
