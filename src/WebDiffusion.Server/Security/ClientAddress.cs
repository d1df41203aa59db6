using System.Net;
using System.Net.Sockets;

namespace WebDiffusion.Server.Security;

/// <summary>
/// The network client of a request, as a partition key for throttling: the remote IPv4 address, or the /64
/// prefix of an IPv6 address (one host usually owns a whole /64). Forwarded headers are not trusted.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
            return address + "/64";
        }

        return address.ToString();
    }
}
