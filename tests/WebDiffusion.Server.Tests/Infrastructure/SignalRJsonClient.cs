using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace WebDiffusion.Server.Tests.Infrastructure;

/// <summary>
/// A minimal SignalR client (JSON hub protocol over a WebSocket, negotiation skipped) — the .NET SignalR client
/// package is not in this registry. Enough to invoke hub methods and read server events in order.
/// </summary>
public sealed class SignalRJsonClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<(string Target, JsonElement Argument)> _events = Channel.CreateUnbounded<(string, JsonElement)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);
    private Task? _reader;
    private int _invocation;

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
    public async Task<(string Target, JsonElement Argument)> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _events.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Reads events until one named <paramref name="target"/> satisfies <paramref name="match"/>; returns all read.</summary>
    public async Task<List<(string Target, JsonElement Argument)>> ReadUntilAsync(string target, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var seen = new List<(string, JsonElement)>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No '{target}' event within {timeout}; saw: {string.Join(", ", seen.Select(s => s.Item1))}");
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

                pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                var text = pending.ToString();
                int separator;
                while ((separator = text.IndexOf(RecordSeparator, StringComparison.Ordinal)) >= 0)
                {
                    var message = text[..separator];
                    text = text[(separator + 1)..];
                    Dispatch(message);
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

    private void Dispatch(string message)
    {
        using var doc = JsonDocument.Parse(message);
        var root = doc.RootElement;
        if (root.TryGetProperty("type", out var type) && type.GetInt32() == 1 && root.TryGetProperty("target", out var target))
        {
            var args = root.GetProperty("arguments");
            _events.Writer.TryWrite((target.GetString()!, args.GetArrayLength() > 0 ? args[0].Clone() : default));
        }
        else if (root.TryGetProperty("type", out var t) && t.GetInt32() == 3 && root.TryGetProperty("invocationId", out var invocation)
            && _pending.TryRemove(invocation.GetString()!, out var completion))
        {
            completion.TrySetResult(root.TryGetProperty("error", out var error) ? error.Clone() : default);
        }
    }
}
