using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Doctor;

/// <summary>
/// The address and port the server would bind: whether the port is free (by binding it for a moment) and whether
/// listening on every interface has credentials.
/// </summary>
public sealed class NetworkDoctorCheck(IOptions<WebDiffusionOptions> options) : IDoctorCheck
{
    /// <inheritdoc />
    public Task<IReadOnlyList<DoctorCheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        IReadOnlyList<DoctorCheckResult> results = [Exposure(o), Port(o)];
        return Task.FromResult(results);
    }

    private static DoctorCheckResult Exposure(WebDiffusionOptions o)
    {
        const string Name = "Exposure";
        if (!o.Listen)
        {
            return DoctorCheckResult.Ok(Name, "loopback only (127.0.0.1); use --listen with --api-auth to serve other machines.");
        }

        if (o.HasCredentials)
        {
            return DoctorCheckResult.Ok(Name, "every interface (--listen) with credentials; put TLS in front of it (deploy/nginx-webdiffusion.conf).");
        }

        return o.InsecureNoAuth
            ? DoctorCheckResult.Warn(Name, "every interface (--listen) WITHOUT credentials (--insecure-no-auth): anyone who can reach the port can use it.",
                "Set --api-auth user:password (or WebDiffusion__ApiAuth) and drop --insecure-no-auth.")
            : DoctorCheckResult.Fail(Name, "--listen without credentials: the server refuses to start.",
                "Add --api-auth user:password (or WebDiffusion__ApiAuth in the environment).");
    }

    private static DoctorCheckResult Port(WebDiffusionOptions o)
    {
        const string Name = "Port";
        var address = o.Listen ? IPAddress.Any : IPAddress.Loopback;
        if (o.Port == 0)
        {
            return DoctorCheckResult.Ok(Name, $"{address}:0 (the OS picks a free port).");
        }

        var listener = new TcpListener(address, o.Port);
        try
        {
            listener.Start();
            return DoctorCheckResult.Ok(Name, $"{address}:{o.Port} is free.");
        }
        catch (SocketException ex)
        {
            return DoctorCheckResult.Fail(Name, $"cannot bind {address}:{o.Port}: {ex.SocketErrorCode} ({ex.Message}).",
                ex.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? "Another process uses the port (is WebDiffusion already running? ss -ltnp shows who); stop it or pick another with --port."
                    : "Pick another port with --port (ports below 1024 need privileges).");
        }
        finally
        {
            listener.Stop();
            listener.Dispose();
        }
    }
}
