namespace WebDiffusion.Server.Security;

/// <summary>One <c>user:secret</c> pair of the <c>ApiAuth</c> setting; the secret is a password or a <see cref="PasswordHash"/>.</summary>
public sealed record ApiAuthEntry(string User, string Secret)
{
    /// <summary>
    /// Splits <c>user:secret[,user2:secret2]</c>. Problems are added to <paramref name="errors"/> by entry number and
    /// user name only: a secret never appears in a message.
    /// </summary>
    public static IReadOnlyList<ApiAuthEntry> ParseList(string? apiAuth, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var entries = new List<ApiAuthEntry>();
        if (string.IsNullOrWhiteSpace(apiAuth))
        {
            return entries;
        }

        var number = 0;
        foreach (var pair in apiAuth.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            number++;
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == pair.Length - 1)
            {
                errors.Add($"--api-auth must be user:password[,user2:password2] with a non-empty user and password (entry {number} is not).");
                continue;
            }

            var entry = new ApiAuthEntry(pair[..colon], pair[(colon + 1)..]);
            if (PasswordHash.IsHashed(entry.Secret) && !PasswordHash.TryParse(entry.Secret, out _, out var error))
            {
                errors.Add($"--api-auth: the hashed password of user '{entry.User}' is not valid: {error}.");
                continue;
            }

            if (entries.Exists(e => string.Equals(e.User, entry.User, StringComparison.Ordinal)))
            {
                errors.Add($"--api-auth names user '{entry.User}' twice.");
                continue;
            }

            entries.Add(entry);
        }

        return entries;
    }
}
