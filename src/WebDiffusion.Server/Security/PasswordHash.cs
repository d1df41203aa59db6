using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebDiffusion.Server.Security;

/// <summary>
/// A PBKDF2-HMAC-SHA256 password hash in the text form <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c>
/// (salt and hash in standard base64), as printed by <c>./webui.sh hash-password</c> and accepted in <c>ApiAuth</c>.
/// </summary>
public sealed class PasswordHash
{
    public const string Prefix = "pbkdf2-sha256$";

    /// <summary>The iteration count of new hashes (ASP.NET Core Identity's PBKDF2 default).</summary>
    public const int DefaultIterations = 100_000;

    public const int MinIterations = 10_000;

    public const int MaxIterations = 10_000_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public int Iterations { get; }

    /// <summary>Whether <paramref name="secret"/> is written in the hashed form (rather than a plain password).</summary>
    public static bool IsHashed(string secret) => secret.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt; returns the text form.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, MaxIterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Parses the text form; <paramref name="error"/> says what is wrong (never echoing the text).</summary>
    public static bool TryParse(string text, out PasswordHash? hash, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        hash = null;
        var parts = text.Split('$');
        if (parts.Length != 4 || !IsHashed(text))
        {
            error = "a hashed password must read pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) ||
            iterations is < MinIterations or > MaxIterations)
        {
            error = $"the iteration count must be a number from {MinIterations} to {MaxIterations}";
            return false;
        }

        var salt = FromBase64(parts[2]);
        var derived = FromBase64(parts[3]);
        if (salt is null || salt.Length < 8 || derived is null || derived.Length is < 16 or > 64)
        {
            error = "the salt (8 bytes or more) and the hash (16 to 64 bytes) must be base64";
            return false;
        }

        hash = new PasswordHash(iterations, salt, derived);
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="password"/> matches; the comparison takes the same time wherever the bytes differ.</summary>
    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var candidate = Derive(password, _salt, Iterations, _hash.Length);
        return CryptographicOperations.FixedTimeEquals(candidate, _hash);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, length);

    private static byte[]? FromBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
