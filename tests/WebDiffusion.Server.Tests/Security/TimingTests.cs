using System.Diagnostics;
using System.Globalization;
using System.Net;
using WebDiffusion.Server.Security;
using Xunit.Abstractions;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>
/// The one timed check of the suite: a wrong user name must cost as much as a wrong password, or response times
/// would tell an attacker which user names exist. With a PBKDF2 hash (100,000 iterations, tens of milliseconds)
/// an implementation that skips the password check for unknown users answers those many times faster; the
/// medians of interleaved attempts are compared with a generous factor so a loaded machine does not fail it.
/// </summary>
public class TimingTests(ITestOutputHelper output)
{
    private const int Rounds = 15;
    private const double Factor = 3.0;

    [Fact]
    public async Task A_wrong_user_and_a_wrong_password_take_the_same_time()
    {
        var secret = PasswordHash.Create(SecurityServer.Password);
        await using var server = await SecurityServer.StartAsync(
            ["--api-auth", SecurityServer.User + ":" + secret],
            new Dictionary<string, string?> { ["WebDiffusion:RateLimit:SignInFailuresPerMinute"] = "1000" });

        Assert.Equal(HttpStatusCode.OK, await TimeAsync(server, SecurityServer.User, SecurityServer.Password, []));
        var wrongUser = new List<double>();
        var wrongPassword = new List<double>();
        await TimeAsync(server, "nobody", "warm-up", []);
        await TimeAsync(server, SecurityServer.User, "warm-up", []);
        for (var i = 0; i < Rounds; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await TimeAsync(server, "nobody-" + i.ToString(CultureInfo.InvariantCulture), "guess-" + i.ToString(CultureInfo.InvariantCulture), wrongUser));
            Assert.Equal(HttpStatusCode.Unauthorized, await TimeAsync(server, SecurityServer.User, "guess-" + i.ToString(CultureInfo.InvariantCulture), wrongPassword));
        }

        var user = Median(wrongUser);
        var password = Median(wrongPassword);
        var ratio = Math.Max(user, password) / Math.Min(user, password);
        output.WriteLine($"median wrong user {user:F1} ms, wrong password {password:F1} ms (ratio {ratio:F2})");
        Assert.True(ratio < Factor, $"median wrong user {user:F1} ms, wrong password {password:F1} ms (ratio {ratio:F2})");
    }

    private static async Task<HttpStatusCode> TimeAsync(SecurityServer server, string user, string password, List<double> samples)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        request.Headers.Authorization = SecurityServer.Basic(user, password);
        var watch = Stopwatch.StartNew();
        using var response = await server.Client.SendAsync(request);
        samples.Add(watch.Elapsed.TotalMilliseconds);
        return response.StatusCode;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
