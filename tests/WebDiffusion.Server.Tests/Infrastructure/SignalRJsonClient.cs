using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace WebDiffusion.Server.Tests.Infrastructure;

/// <summary>
/// A minimal SignalR client (JSON hub protocol over a WebSocket, negotiation skipped) — the .NET SignalR client
/// package is not in this registry. Enough to invoke hub methods and read server events in order, each with the
/// Stopwatch timestamp at which its frame was read. The benchmarks compile this same file (bench/…/Benchmarks.csproj).
/// </summary>
public sealed class SignalRJsonClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<HubEvent> _events = Channel.CreateUnbounded<HubEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);
    private Task? _reader;
    private int _invocation;
    private long _bytesReceived;

    public static async Task<SignalRJsonClient> ConnectAsync(Uri httpBase, string path, string? basicAuth = null)
    {
        var client = new SignalRJsonClient();
        if (basicAuth is not null)
        {
            client._socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(basicAuth)));
        }

        var ws = new UriBuilder(httpBase) { Scheme = httpBase.Scheme == "https" ? "wss" : "ws", Path = path }.Uri;
        await client._socket.ConnectAsync(ws, CancellationToken.None);
        await client.SendAsync("{\"protocol\":\"json\",\"version\":1}");
        client._reader = Task.Run(client.ReadLoopAsync);
        return client;
    }

    /// <summary>Bytes of frames read so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Invokes a hub method and waits for its completion (so later server events reach this client).</summary>
    public async Task InvokeAsync(string target, params object[] arguments)
    {
        var id = Interlocked.Increment(ref _invocation).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }));
        var result = await completion.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (result.ValueKind == JsonValueKind.String)
        {
            throw new InvalidOperationException($"Hub method {target} failed: {result.GetString()}");
        }
    }

    /// <summary>Next server event, or throws after <paramref name="timeout"/>.</summary>
    public async Task<HubEvent> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _events.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Reads events until one named <paramref name="target"/> satisfies <paramref name="match"/>; returns all read.</summary>
    public async Task<List<HubEvent>> ReadUntilAsync(string target, Func<JsonElement, bool> match, TimeSpan timeout)
    {
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
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
        }

        if (_reader is not null)
        {
            await Task.WhenAny(_reader, Task.Delay(2000));
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 20];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        var utf8 = Encoding.UTF8.GetDecoder(); // keeps a character split across two reads whole
        var pending = new StringBuilder();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var received = System.Diagnostics.Stopwatch.GetTimestamp();
                Interlocked.Add(ref _bytesReceived, result.Count);
                pending.Append(chars, 0, utf8.GetChars(buffer, 0, result.Count, chars, 0));
                var text = pending.ToString();
                int separator;
                while ((separator = text.IndexOf(RecordSeparator, StringComparison.Ordinal)) >= 0)
                {
                    var message = text[..separator];
                    text = text[(separator + 1)..];
                    Dispatch(message, received);
                }

                pending.Clear().Append(text);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private void Dispatch(string message, long received)
    {
        using var doc = JsonDocument.Parse(message);
        var root = doc.RootElement;
        if (root.TryGetProperty("type", out var type) && type.GetInt32() == 1 && root.TryGetProperty("target", out var target))
        {
            var args = root.GetProperty("arguments");
            _events.Writer.TryWrite(new HubEvent(target.GetString()!, args.GetArrayLength() > 0 ? args[0].Clone() : default, received));
        }
        else if (root.TryGetProperty("type", out var t) && t.GetInt32() == 3 && root.TryGetProperty("invocationId", out var invocation)
            && _pending.TryRemove(invocation.GetString()!, out var completion))
        {
            completion.TrySetResult(root.TryGetProperty("error", out var error) ? error.Clone() : default);
        }
    }
}

/// <summary>A server event: its target, first argument, and the Stopwatch timestamp at which its frame was read.</summary>
public readonly record struct HubEvent(string Target, JsonElement Argument, long ReceivedAt);
