using System.Security.Cryptography;
using System.Text.Json;
using WebDiffusion.Core.Tests.Checkpoints.Compiler;

namespace WebDiffusion.Core.Tests.Checkpoints.Lora;

/// <summary>The LoRA files and merged weights <c>Data/make_lora.py</c> computed with NumPy (see <c>Data/README.md</c>).</summary>
internal static class LoraReferenceData
{
    public static string Folder { get; } = Path.Combine(SharedTestData.RepositoryRoot, "tests", "WebDiffusion.Core.Tests", "Checkpoints", "Lora", "Data");

    /// <summary>A LoRA file of the folder (<c>tiny_lora_a</c>, <c>tiny_lora_b</c>, <c>tiny_loha</c>, <c>tiny_lokr</c>).</summary>
    public static string File(string name) => Path.Combine(Folder, name + ".safetensors");

    /// <summary>Checkpoint key → merged weight of a set (<c>set1</c>, <c>set2</c>, <c>set3</c>).</summary>
    public static Dictionary<string, float[]> Merged(string set)
    {
        using var manifest = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Folder, "expected", "manifest.json")));
        return manifest.RootElement.GetProperty(set).GetProperty("merged").EnumerateObject()
            .ToDictionary(p => p.Name, p => NpyArray.Read(Path.Combine(Folder, "expected", p.Value.GetString()!)).Floats, StringComparer.Ordinal);
    }

    /// <summary>A1111's addnet hash, 12 hex: SHA-256 of the file after its 8-byte length and JSON header.</summary>
    public static string AddnetShortHash(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        var header = (int)BitConverter.ToUInt64(bytes, 0);
        return Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(8 + header)))[..12];
    }

    /// <summary>Copies the LoRA files into <paramref name="folder"/> (a models/Lora folder).</summary>
    public static void InstallInto(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "tiny_lora_a", "tiny_lora_b", "tiny_loha", "tiny_lokr" })
        {
            System.IO.File.Copy(File(name), Path.Combine(folder, name + ".safetensors"));
        }
    }
}
