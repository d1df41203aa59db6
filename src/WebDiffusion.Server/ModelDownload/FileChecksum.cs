using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>Computes a downloaded file's checksum the way the hub lists it: SHA-256 for LFS files, the git blob id otherwise.</summary>
internal static class FileChecksum
{
    /// <summary>The lowercase hex checksum of <paramref name="path"/> of the kind <paramref name="file"/> lists.</summary>
    public static async Task<string> ComputeAsync(string path, HubFile file, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            if (file.Sha256 is not null)
            {
                return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            }

            // A git blob id is the SHA-1 of "blob <size>\0" followed by the content (integrity check, not security).
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            hash.AppendData(Encoding.ASCII.GetBytes("blob " + stream.Length.ToString(CultureInfo.InvariantCulture) + "\0"));
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }

    /// <summary>The expected checksum of <paramref name="file"/>.</summary>
    public static string? Expected(HubFile file) => file.Sha256 ?? file.GitBlobId;
}
