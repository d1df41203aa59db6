using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Security;

/// <summary>
/// The configured accounts and the password check shared by HTTP Basic and the login form.
/// A check compares the user name (as an HMAC, fixed length) with every account and runs every account's password
/// verifier, then combines the results, so a wrong user name costs the same time as a wrong password.
/// Successful checks are remembered (keyed by a keyed hash, at most <see cref="CacheSize"/> entries) so scripts that
/// send Basic credentials with every request do not pay PBKDF2 each time; failures are never cached.
/// </summary>
public sealed class CredentialStore
{
    private const int CacheSize = 256;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Account[] _accounts;
    private readonly ConcurrentDictionary<string, string> _verified = new(StringComparer.Ordinal);

    public CredentialStore(IOptions<WebDiffusionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var entries = ApiAuthEntry.ParseList(options.Value.ApiAuth, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        _accounts = [.. entries.Select(CreateAccount)];
    }

    /// <summary>Whether credentials are configured (authentication on).</summary>
    public bool Enabled => _accounts.Length > 0;

    /// <summary>The number of configured accounts.</summary>
    public int Count => _accounts.Length;

    /// <summary>How many accounts carry a plain-text password rather than a hash.</summary>
    public int PlainTextCount => _accounts.Count(a => !a.Hashed);

    /// <summary>Checks a user name and password; returns the account's user name, or null.</summary>
    public string? Verify(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        if (_accounts.Length == 0)
        {
            return null;
        }

        var cacheKey = Convert.ToHexString(Mac(user + "\0" + password));
        if (_verified.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }

        var userMac = Mac(user);
        var matched = -1;
        for (var i = 0; i < _accounts.Length; i++)
        {
            var userMatches = CryptographicOperations.FixedTimeEquals(userMac, _accounts[i].UserMac);
            var passwordMatches = _accounts[i].Verify(password);
            if (userMatches & passwordMatches)
            {
                matched = i;
            }
        }

        if (matched < 0)
        {
            return null;
        }

        if (_verified.Count >= CacheSize)
        {
            _verified.Clear();
        }

        var name = _accounts[matched].User;
        _verified[cacheKey] = name;
        return name;
    }

    /// <summary>
    /// A fingerprint of the user's current secret, stored in the login cookie: changing or removing the
    /// account's password in the configuration invalidates existing cookies.
    /// </summary>
    public string? StampOf(string user) =>
        Array.Find(_accounts, a => string.Equals(a.User, user, StringComparison.Ordinal))?.Stamp;

    private Account CreateAccount(ApiAuthEntry entry)
    {
        var stamp = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("webdiffusion-stamp\0" + entry.User + "\0" + entry.Secret)))[..24];
        if (PasswordHash.TryParse(entry.Secret, out var hash, out _) && hash is not null)
        {
            return new Account(entry.User, Mac(entry.User), hash.Verify, true, stamp);
        }

        var secretMac = Mac(entry.Secret);
        return new Account(entry.User, Mac(entry.User), candidate => CryptographicOperations.FixedTimeEquals(Mac(candidate), secretMac), false, stamp);
    }

    private byte[] Mac(string text) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text));

    private sealed record Account(string User, byte[] UserMac, Func<string, bool> Verify, bool Hashed, string Stamp);
}
