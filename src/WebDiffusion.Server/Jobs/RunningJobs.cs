using System.Collections.Concurrent;

namespace WebDiffusion.Server.Jobs;

/// <summary>Controls of jobs now running, by id (one at a time per device today).</summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, JobControl> _running = new(StringComparer.Ordinal);

    public void Add(string id, JobControl control) => _running[id] = control;

    public void Remove(string id) => _running.TryRemove(id, out _);

    public JobControl? Get(string id) => _running.TryGetValue(id, out var control) ? control : null;
}
