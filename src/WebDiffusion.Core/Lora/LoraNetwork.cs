using System.Security.Cryptography;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Lora;

/// <summary>
/// A LoRA file read into memory: its kohya modules, the names a prompt may use (file stem, and the <c>ss_output_name</c>
/// alias) and A1111's hash ("addnet" hash: SHA-256 of the bytes after the header, or the <c>sshs_model_hash</c> metadata).
/// Only kohya/A1111 low-rank pairs are read; other tensors of a module (LyCORIS <c>lora_mid</c>, <c>hada_*</c>, <c>lokr_*</c>)
/// are listed in <see cref="UnsupportedModules"/>.
/// </summary>
public sealed class LoraNetwork
{
    private const string DownSuffix = ".lora_down.weight";
    private const string UpSuffix = ".lora_up.weight";
    private const string AlphaSuffix = ".alpha";

    private LoraNetwork(string path, IReadOnlyDictionary<string, LoraModule> modules, IReadOnlyList<string> unsupported, string hash, string? alias)
    {
        FilePath = path;
        Name = System.IO.Path.GetFileNameWithoutExtension(path);
        Modules = modules;
        UnsupportedModules = unsupported;
        Hash = hash;
        Alias = alias;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary>The file stem.</summary>
    public string Name { get; }

    /// <summary>The training run's output name from the metadata (<c>ss_output_name</c>), when present.</summary>
    public string? Alias { get; }

    /// <summary>The low-rank modules by kohya name.</summary>
    public IReadOnlyDictionary<string, LoraModule> Modules { get; }

    /// <summary>Module names whose tensors are not low-rank pairs this reader knows.</summary>
    public IReadOnlyList<string> UnsupportedModules { get; }

    /// <summary>The full addnet hash (lowercase hex).</summary>
    public string Hash { get; }

    /// <summary>The first 12 hex digits of <see cref="Hash"/> (A1111's "Lora hashes").</summary>
    public string ShortHash => Hash[..Math.Min(12, Hash.Length)];

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="LoraFormatException">The file is not a readable safetensors LoRA.</exception>
    public static LoraNetwork Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var file = SafetensorsFile.Open(path);
            var modules = new Dictionary<string, LoraModule>(StringComparer.Ordinal);
            var unsupported = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var info in file.Tensors)
            {
                if (info.Name.EndsWith(DownSuffix, StringComparison.Ordinal))
                {
                    var name = info.Name[..^DownSuffix.Length];
                    modules[name] = ReadModule(file, path, name);
                }
                else if (!info.Name.EndsWith(UpSuffix, StringComparison.Ordinal) && !info.Name.EndsWith(AlphaSuffix, StringComparison.Ordinal))
                {
                    var dot = info.Name.IndexOf('.', StringComparison.Ordinal);
                    unsupported.Add(dot < 0 ? info.Name : info.Name[..dot]);
                }
            }

            var hash = file.Metadata.TryGetValue("sshs_model_hash", out var stored) && stored.Length >= 12 ? stored.ToLowerInvariant() : AddnetHash(path);
            var alias = file.Metadata.TryGetValue("ss_output_name", out var output) && output.Length > 0 ? output : null;
            unsupported.ExceptWith(modules.Keys);
            return new LoraNetwork(path, modules, [.. unsupported], hash, alias);
        }
        catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException or IOException or UnauthorizedAccessException)
        {
            throw new LoraFormatException(path, ex.Message, ex);
        }
    }

    /// <summary>A1111's addnet hash: SHA-256 of everything after the 8-byte header length and the JSON header.</summary>
    public static string AddnetHash(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        stream.Seek(8 + (long)BitConverter.ToUInt64(length), SeekOrigin.Begin);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static LoraModule ReadModule(SafetensorsFile file, string path, string name)
    {
        var down = file.Get(name + DownSuffix);
        if (!file.TryGet(name + UpSuffix, out var up))
        {
            throw new LoraFormatException(path, $"'{name}' has {DownSuffix[1..]} but no {UpSuffix[1..]}.");
        }

        if (down.Shape.Count is not (2 or 4) || up.Shape.Count is not (2 or 4) || down.Shape[0] != up.Shape[1] || down.Shape[0] <= 0
            || (up.Shape.Count == 4 && (up.Shape[2] != 1 || up.Shape[3] != 1)))
        {
            throw new LoraFormatException(path,
                $"'{name}': lora_down [{string.Join(", ", down.Shape)}] and lora_up [{string.Join(", ", up.Shape)}] are not a low-rank pair (down [rank, in(, kh, kw)], up [out, rank(, 1, 1)]).");
        }

        var downValues = new float[down.ElementCount];
        var upValues = new float[up.ElementCount];
        file.ReadFloat32(down.Name, downValues);
        file.ReadFloat32(up.Name, upValues);
        float? alpha = null;
        if (file.TryGet(name + AlphaSuffix, out var alphaInfo))
        {
            if (alphaInfo.ElementCount != 1)
            {
                throw new LoraFormatException(path, $"'{name}.alpha' has {alphaInfo.ElementCount} values; it must be one number.");
            }

            var value = new float[1];
            file.ReadFloat32(alphaInfo.Name, value);
            alpha = value[0];
        }

        return new LoraModule(name, downValues, [.. down.Shape], upValues, [.. up.Shape], alpha);
    }
}
