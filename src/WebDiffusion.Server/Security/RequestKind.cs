namespace WebDiffusion.Server.Security;

/// <summary>Classifies requests for the security middleware: API calls, browser page navigations, writes.</summary>
public static class RequestKind
{
    private static readonly string[] ApiPrefixes = ["/api", "/sdapi", "/hubs"];

    /// <summary>Paths answered with JSON (never a login redirect): /api, /sdapi and /hubs.</summary>
    public static bool IsApiPath(PathString path) => Array.Exists(ApiPrefixes, p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Requests counted by the per-client rate limit: /api and /sdapi, except reads of a finished image
    /// (<c>GET/HEAD /api/images/{id}</c>) and job control and progress (<see cref="IsJobControlOrProgress"/>). Image reads
    /// are file reads like the static files: a batch of 100 results or a gallery page loads one per thumbnail, and
    /// counting them would answer 429 to the browser's own pictures.
    /// </summary>
    public static bool IsRateLimited(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        if (!path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && !path.StartsWithSegments("/sdapi", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !IsImageRead(request) && !IsJobControlOrProgress(request);
    }

    /// <summary>
    /// Stopping work and watching it: <c>POST /sdapi/v1/interrupt</c>, <c>/sdapi/v1/skip</c>, <c>GET /sdapi/v1/progress</c>,
    /// <c>POST /api/jobs/{id}/cancel|interrupt|skip</c> and <c>GET /api/jobs/{id}</c>. Never refused by the rate limit: a
    /// client polling fast must still be able to stop its job (an interrupt answered 429 leaves the GPU busy), and polls
    /// cost a lookup, no work.
    /// </summary>
    public static bool IsJobControlOrProgress(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path;
        var get = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var post = HttpMethods.IsPost(request.Method);
        if (path.StartsWithSegments("/sdapi/v1", StringComparison.OrdinalIgnoreCase, out var sdapi))
        {
            var name = (sdapi.Value ?? string.Empty).TrimEnd('/').ToLowerInvariant();
            return (post && name is "/interrupt" or "/skip") || (get && name == "/progress");
        }

        if (!path.StartsWithSegments("/api/jobs", StringComparison.OrdinalIgnoreCase, out var rest))
        {
            return false;
        }

        var parts = (rest.Value ?? string.Empty).ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            1 => get,
            2 => post && parts[1] is "cancel" or "interrupt" or "skip",
            _ => false,
        };
    }

    /// <summary>A GET or HEAD of one stored image by id: <c>/api/images/{id}</c> (not the listing, not a delete).</summary>
    public static bool IsImageRead(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !request.Path.StartsWithSegments("/api/images", StringComparison.OrdinalIgnoreCase, out var rest))
        {
            return false;
        }

        var id = rest.Value ?? string.Empty;
        return id.Length > 1 && id.IndexOf('/', 1) < 0;
    }

    /// <summary>Methods that change state (everything but GET, HEAD, OPTIONS, TRACE).</summary>
    public static bool IsUnsafeMethod(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>
    /// An HTTP/1.1 WebSocket handshake (<c>Upgrade: websocket</c>); HTTP/2 handshakes use CONNECT, an unsafe method.
    /// Checked from the header because the WebSocket feature is only added inside the hub's endpoint.
    /// </summary>
    public static bool IsWebSocketHandshake(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the request says it comes from a script (X-Requested-With, as sent by the SignalR clients).</summary>
    public static bool HasRequestedWith(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !string.IsNullOrEmpty(request.Headers.XRequestedWith);
    }

    /// <summary>
    /// A browser loading a page: GET/HEAD outside the API prefixes, not marked as a script request. Those are sent to
    /// the login page; everything else gets 401.
    /// </summary>
    public static bool IsPageNavigation(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || IsApiPath(request.Path) || HasRequestedWith(request))
        {
            return false;
        }

        var mode = request.Headers["Sec-Fetch-Mode"].ToString();
        return mode.Length == 0 || string.Equals(mode, "navigate", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A fetch/XHR from a browser page (Sec-Fetch-Mode other than navigate, or X-Requested-With). Its 401 carries no
    /// <c>WWW-Authenticate: Basic</c>, which would make the browser pop up its own password dialog over the UI.
    /// </summary>
    public static bool IsBrowserScript(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mode = request.Headers["Sec-Fetch-Mode"].ToString();
        return HasRequestedWith(request) || (mode.Length > 0 && !string.Equals(mode, "navigate", StringComparison.OrdinalIgnoreCase));
    }
}
