using Microsoft.AspNetCore.SignalR;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Hubs;

/// <summary>
/// Live progress: clients subscribe to one job or to all of theirs and receive queued/started/step/imageSaved/finished
/// events; on subscribing they get the job's current state ("state", with a running job's latest preview and ETA) so a
/// reconnecting client catches up.
/// </summary>
public sealed class ProgressHub(JobStore store, LiveProgress live) : Hub
{
    public static string JobGroup(string jobId) => "job:" + jobId;

    public static string OwnerGroup(string owner) => "owner:" + owner;

    public async Task SubscribeJob(string jobId)
    {
        var job = string.IsNullOrEmpty(jobId) ? null : store.Get(jobId);
        if (job is null || job.Owner != ClientIdentity.Owner(Context.User))
        {
            throw new HubException("No such job.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, JobGroup(jobId)).ConfigureAwait(false);
        await Clients.Caller.SendAsync("state", JobView.From(job, store, live, includeRequest: false, includePreview: true)).ConfigureAwait(false);
    }

    public async Task SubscribeMine()
    {
        var owner = ClientIdentity.Owner(Context.User);
        await Groups.AddToGroupAsync(Context.ConnectionId, OwnerGroup(owner)).ConfigureAwait(false);
        var (items, _) = store.ListByOwner(owner, 1, 20);
        foreach (var job in items.Where(j => j.IsActive))
        {
            await Clients.Caller.SendAsync("state", JobView.From(job, store, live, includeRequest: false, includePreview: true)).ConfigureAwait(false);
        }
    }
}
