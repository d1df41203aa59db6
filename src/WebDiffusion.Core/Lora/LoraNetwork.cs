using System.Security.Cryptography;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Lora;

/// <summary>
/// A LoRA file read into memory: its kohya modules, the names a prompt may use (file stem, and the <c>ss_output_name</c>
/// alias) and A1111's hash ("addnet" hash: SHA-256 of the bytes after the header, or the <c>sshs_model_hash</c> metadata).
/// Kohya/A1111 low-rank pairs (LoRA, LoCon), LyCORIS LoHa (<c>hada_*</c>) and LoKr (<c>lokr_*</c>) are read; other modules
/// (Tucker/<c>lora_mid</c> variants, (IA)^3, full diff, …) are listed in <see cref="UnsupportedModules"/>.
/// </summary>
public sealed class LoraNetwork
{
    private const string DownSuffix = ".lora_down.weight";
    private const string UpSuffix = ".lora_up.weight";
    private const string AlphaSuffix = ".alpha";

    private LoraNetwork(string path, IReadOnlyDictionary<string, INetworkModule> modules, IReadOnlyList<string> unsupported, string hash, string? alias)
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

    /// <summary>The modules by kohya name.</summary>
    public IReadOnlyDictionary<string, INetworkModule> Modules { get; }

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
            var modules = new Dictionary<string, INetworkModule>(StringComparer.Ordinal);
            var unsupported = new SortedSet<string>(StringComparer.Ordinal);
            var suffixes = file.Tensors.GroupBy(t => Module(t.Name), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(t => t.Name[g.Key.Length..]).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            foreach (var (name, parts) in suffixes)
            {
                INetworkModule? module = parts.Contains(".lora_mid.weight") ? null
                    : parts.Contains(DownSuffix) ? ReadModule(file, path, name)
                    : parts.Contains(".hada_w1_a") && !parts.Contains(".hada_t1") ? ReadLoha(file, path, name)
                    : (parts.Contains(".lokr_w1") || parts.Contains(".lokr_w1_a")) && !parts.Contains(".lokr_t2") ? ReadLokr(file, path, name)
                    : null;
                if (module is null)
                {
                    unsupported.Add(name);
                }
                else
                {
                    modules[name] = module;
                }
            }

            var hash = file.Metadata.TryGetValue("sshs_model_hash", out var stored) && stored.Length >= 12 ? stored.ToLowerInvariant() : AddnetHash(path);
            var alias = file.Metadata.TryGetValue("ss_output_name", out var output) && output.Length > 0 ? output : null;
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

    private static string Module(string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? key : key[..dot];
    }

    private static (float[] Values, long[] Shape) Read(SafetensorsFile file, string path, string key)
    {
        if (!file.TryGet(key, out var info))
        {
            throw new LoraFormatException(path, $"'{key}' is missing.");
        }

        var values = new float[info.ElementCount];
        file.ReadFloat32(key, values);
        return (values, [.. info.Shape]);
    }

    private static float? Alpha(SafetensorsFile file, string path, string name)
    {
        if (!file.TryGet(name + AlphaSuffix, out _))
        {
            return null;
        }

        var (values, _) = Read(file, path, name + AlphaSuffix);
        return values.Length == 1 ? values[0] : throw new LoraFormatException(path, $"'{name}.alpha' has {values.Length} values; it must be one number.");
    }

    private static long[] Matrix(long[] shape) => shape.Length == 0 ? [0, 0] : [shape[0], shape.Skip(1).Aggregate(1L, (a, b) => a * b)];

    private static LohaModule ReadLoha(SafetensorsFile file, string path, string name)
    {
        var (w1a, w1aShape) = Read(file, path, name + ".hada_w1_a");
        var (w1b, w1bShape) = Read(file, path, name + ".hada_w1_b");
        var (w2a, w2aShape) = Read(file, path, name + ".hada_w2_a");
        var (w2b, w2bShape) = Read(file, path, name + ".hada_w2_b");
        if (w1aShape.Length != 2 || w2aShape.Length != 2 || w1bShape.Length < 2 || w2bShape.Length < 2 || w1aShape[1] != w1bShape[0] || w2aShape[1] != w2bShape[0]
            || w1bShape[0] <= 0 || w2bShape[0] <= 0)
        {
            throw new LoraFormatException(path, $"LoHa module '{name}': hada_w1 {LycorisMath.Shape(w1aShape)} · {LycorisMath.Shape(w1bShape)} and hada_w2 {LycorisMath.Shape(w2aShape)} · {LycorisMath.Shape(w2bShape)} are not matrix products.");
        }

        return new LohaModule(name, w1a, w1aShape, w1b, w1bShape, w2a, w2aShape, w2b, w2bShape, Alpha(file, path, name));
    }

    private static LokrModule ReadLokr(SafetensorsFile file, string path, string name)
    {
        int? rank = null;
        (float[] Values, long[] Shape) Factor(string which)
        {
            if (file.TryGet($"{name}.lokr_{which}", out _))
            {
                var (values, shape) = Read(file, path, $"{name}.lokr_{which}");
                return (values, Matrix(shape));
            }

            var (a, aShape) = Read(file, path, $"{name}.lokr_{which}_a");
            var (b, bShape) = Read(file, path, $"{name}.lokr_{which}_b");
            var bMatrix = Matrix(bShape);
            if (aShape.Length != 2 || aShape[1] != bMatrix[0] || bMatrix[0] <= 0)
            {
                throw new LoraFormatException(path, $"LoKr module '{name}': lokr_{which}_a {LycorisMath.Shape(aShape)} · lokr_{which}_b {LycorisMath.Shape(bShape)} is not a matrix product.");
            }

            rank ??= (int)bMatrix[0];
            return (LycorisMath.Product(a, b, (int)aShape[0], (int)aShape[1], (int)bMatrix[1]), [aShape[0], bMatrix[1]]);
        }

        var w1 = Factor("w1");
        var w2 = Factor("w2");
        var alpha = Alpha(file, path, name);
        var scale = alpha is { } a && rank is { } r ? a / r : 1f;
        var factors = string.Join(", ", file.Tensors.Where(t => t.Name.StartsWith(name + ".lokr_", StringComparison.Ordinal)).Select(t => $"{t.Name[(name.Length + 1)..]} {LycorisMath.Shape([.. t.Shape])}"));
        return new LokrModule(name, w1.Values, w1.Shape, w2.Values, w2.Shape, scale, factors);
    }
}
