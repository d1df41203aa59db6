using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace WebDiffusion.Server.Tests.Infrastructure;

/// <summary>
/// A connection of the official SignalR .NET client to the progress hub that records every server event in the order it
/// arrived, each with the Stopwatch timestamp at which the client handed it over. The benchmarks compile this same file
/// (bench/…/Benchmarks.csproj).
/// </summary>
public sealed class HubEventStream : IAsyncDisposable
{
    /// <summary>Every event the progress hub sends (Hubs/HubJobEvents.cs and ProgressHub's catch-up "state").</summary>
    public static readonly IReadOnlyList<string> Targets = ["queued", "started", "step", "imageSaved", "finished", "state"];

    private readonly Channel<HubEvent> _events = Channel.CreateUnbounded<HubEvent>();

    private HubEventStream(HubConnection connection) => Connection = connection;

    /// <summary>The underlying client connection.</summary>
    public HubConnection Connection { get; }

    /// <summary>Connects to <paramref name="path"/> on <paramref name="httpBase"/>; <paramref name="configure"/> sets transport options.</summary>
    public static async Task<HubEventStream> ConnectAsync(Uri httpBase, string path, Action<HttpConnectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(httpBase);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(httpBase, path), options => configure?.Invoke(options))
            .Build();
        var stream = new HubEventStream(connection);
        foreach (var target in Targets)
        {
            connection.On<JsonElement>(target, argument => stream._events.Writer.TryWrite(new HubEvent(target, argument, Stopwatch.GetTimestamp())));
        }

        connection.Closed += _ =>
        {
            stream._events.Writer.TryComplete();
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        return stream;
    }

    /// <summary>Invokes a hub method and waits for its completion (so later server events reach this client).</summary>
    public Task InvokeAsync(string method, params object?[] arguments) =>
        Connection.InvokeCoreAsync(method, arguments).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Next server event, or throws after <paramref name="timeout"/>.</summary>
    public async Task<HubEvent> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _events.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Reads events until one named <paramref name="target"/> satisfies <paramref name="match"/>; returns all read.</summary>
    public async Task<List<HubEvent>> ReadUntilAsync(string target, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        var seen = new List<HubEvent>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No '{target}' event within {timeout}; saw: {string.Join(", ", seen.Select(s => s.Target))}");
            }

            var e = await NextAsync(remaining);
            seen.Add(e);
            if (e.Target == target && match(e.Argument))
            {
                return seen;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        _events.Writer.TryComplete();
    }
}

/// <summary>A server event: its target, first argument, and the Stopwatch timestamp at which the client delivered it.</summary>
public readonly record struct HubEvent(string Target, JsonElement Argument, long ReceivedAt);
