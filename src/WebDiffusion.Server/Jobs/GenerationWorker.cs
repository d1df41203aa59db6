using System.Diagnostics;

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// Runs queued jobs one at a time: each job's failure is contained (logged, stored, reported) and the worker goes on.
/// On start-up it recovers the journal (running → interrupted, queued → re-queued in order), removes temporary files
/// and reconciles the image index with the files on disk (<see cref="OutputReconciler"/>). On shutdown the running job
/// is interrupted, keeping its finished images.
/// </summary>
public sealed class GenerationWorker(
    JobStore store,
    JobQueue queue,
    RunningJobs running,
    IJobExecutor executor,
    OutputWriter outputs,
    OutputReconciler reconciler,
    IJobEvents events,
    QueuePositions positions,
    LiveProgress live,
    JobCompletions completions,
    ILogger<GenerationWorker> logger) : BackgroundService
{
    private static readonly TimeSpan StepEventInterval = TimeSpan.FromMilliseconds(100);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var cleaned = outputs.CleanTemporaryFiles();
        var queued = store.Recover();
        logger.LogInformation("Job journal recovered: {Queued} queued job(s) resumed, {Temp} temporary file(s) removed", queued.Count, cleaned);

        // After Recover: a job the crash interrupted now has its end time, so its unindexed files can be tied to it.
        await reconciler.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in queued)
        {
            queue.Enqueue(id);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string id;
            try
            {
                id = await queue.DequeueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await RunJobAsync(id, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RunJobAsync(string id, CancellationToken stoppingToken)
    {
        if (store.Get(id) is not { State: JobState.Queued } queued)
        {
            return; // cancelled while queued
        }

        // Registered before the start, so a cancel that finds the job no longer queued finds its control.
        using var control = new JobControl(stoppingToken);
        running.Add(id, control);
        if (!await TryStartAsync(queued, stoppingToken).ConfigureAwait(false))
        {
            running.Remove(id);
            return;
        }

        var job = store.Get(id)!;
        var state = JobState.Done;
        string? error = null;
        var clock = Stopwatch.StartNew();
        try
        {
            var plan = executor.Plan(job);
            live.Start(job, plan);
            await events.StartedAsync(job, plan.TotalSteps, plan.Images).ConfigureAwait(false);
            TimeSpan? lastEvent = null;
            var execution = new JobExecution(
                job,
                plan,
                control,
                (image, ct) => SaveImageAsync(job, image, ct),
                step =>
                {
                    live.Update(step);
                    var now = clock.Elapsed;
                    if (lastEvent is null || now - lastEvent.Value >= StepEventInterval || step.Step >= step.TotalSteps || step.PreviewPng is not null)
                    {
                        lastEvent = now;
                        _ = events.StepAsync(job, step, now, live.Current?.Eta);
                    }
                },
                resultJson => store.SetResult(id, resultJson));
            await executor.ExecuteAsync(execution, control.StopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (control.StopToken.IsCancellationRequested)
        {
            state = control.Cancelled ? JobState.Cancelled : JobState.Interrupted;
            error = control.Cancelled ? null : (control.Interrupted ? "Interrupted by the user." : "Interrupted by server shutdown.");
        }
        catch (Exception ex)
        {
            state = JobState.Failed;
            error = ex is ArgumentException or InvalidOperationException or FormatException or NotSupportedException or IOException
                ? ex.Message
                : "Generation failed: " + ex.Message;
            logger.LogError(ex, "Job {JobId} failed", id);
        }
        finally
        {
            running.Remove(id);
            live.Clear();
        }

        store.Finish(id, state, error);
        var finished = store.Get(id)!;
        logger.LogInformation("Job {JobId} {State} after {Seconds:F2}s with {Images} image(s)", id, state, clock.Elapsed.TotalSeconds, finished.ImageIds.Count);
        completions.Complete(finished);
        await events.FinishedAsync(finished).ConfigureAwait(false);
    }

    /// <summary>Marks the job running in the journal and moves the jobs behind it up; false when it is no longer queued.</summary>
    private async Task<bool> TryStartAsync(JobRecord queued, CancellationToken stoppingToken)
    {
        try
        {
            return await positions.LeaveQueueAsync(queued.Sequence, () => store.TryStart(queued.Id), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false; // shutting down: the job stays queued and is resumed on the next start
        }
    }

    private async Task SaveImageAsync(JobRecord job, FinishedImage image, CancellationToken cancellationToken)
    {
        // Saving must not be torn by a stop request: a finished image is always kept.
        var relative = await outputs.SaveAsync(job.Mode, image.Seed, image.Png, CancellationToken.None).ConfigureAwait(false);
        var imageId = Guid.NewGuid().ToString("N");
        store.AddImage(new ImageRecord(imageId, job.Id, job.Owner, relative, image.Seed, image.Width, image.Height, image.Prompt, image.Infotext, DateTimeOffset.UtcNow));
        await events.ImageSavedAsync(job, imageId, image.Seed, image.Index).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
