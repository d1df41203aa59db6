using System.Globalization;
using WebDiffusion.Core.Lora;

namespace WebDiffusion.Core.Models;

/// <summary>
/// LoRA on a compiled checkpoint: maps each activation's modules to the checkpoint's weights, merges the changed weights
/// from the bank's base values (the mapped file, never read again) and binds them to the text encoder's and UNet's
/// weight inputs. Graphs are not rebuilt. The last <see cref="CacheSize"/> merged sets are kept (within
/// <see cref="CacheBytes"/>), so switching back to a recent set binds its arrays without computing.
/// </summary>
internal sealed class CheckpointLoraState(LoraKeyMap keys, WeightBank text, WeightBank unet)
{
    /// <summary>Merged sets kept at most (the current one included).</summary>
    public const int CacheSize = 3;

    /// <summary>Bytes of merged weights above which older sets are dropped before a new one is merged (SD 1.5's 144 attention kernels are ~400 MiB a set).</summary>
    public const long CacheBytes = 1L << 30;

    private readonly LinkedList<(string Key, Dictionary<string, float[]> Weights, IReadOnlyList<string> Warnings)> _cache = new();
    private readonly Lock _gate = new();
    private Dictionary<string, float[]> _current = new(StringComparer.Ordinal);

    /// <summary>The values bound now in place of the checkpoint's weight <paramref name="key"/>, or null when it is the file's own.</summary>
    public float[]? Bound(string key) => Volatile.Read(ref _current).GetValueOrDefault(key);

    /// <summary>How many weights are bound with changed values now.</summary>
    public int BoundCount => Volatile.Read(ref _current).Count;

    /// <summary>Merges and binds <paramref name="activations"/> (empty: the checkpoint's own weights).</summary>
    public LoraApplication Apply(IReadOnlyList<LoraActivation> activations)
    {
        lock (_gate)
        {
            if (activations.Count == 0)
            {
                _current = new Dictionary<string, float[]>(StringComparer.Ordinal);
                text.Bind(_current);
                unet.Bind(_current);
                return new LoraApplication(0, false, []);
            }

            var key = CacheKey(activations);
            var node = _cache.First;
            while (node is not null && node.Value.Key != key)
            {
                node = node.Next;
            }

            var fromCache = node is not null;
            if (node is null)
            {
                // make room first: arrays of evicted sets that are not bound now are reused for the new merge
                var spare = new Dictionary<int, Stack<float[]>>();
                while (_cache.Count > 0 && (_cache.Count >= CacheSize || _cache.Sum(e => SizeOf(e.Weights)) >= CacheBytes))
                {
                    foreach (var array in _cache.Last!.Value.Weights.Values)
                    {
                        if (!_current.ContainsValue(array))
                        {
                            (spare.TryGetValue(array.Length, out var stack) ? stack : spare[array.Length] = new Stack<float[]>()).Push(array);
                        }
                    }

                    _cache.RemoveLast();
                }

                var (weights, warnings) = Merge(activations, spare);
                node = _cache.AddFirst((key, weights, warnings));
            }
            else
            {
                _cache.Remove(node);
                _cache.AddFirst(node);
            }

            var merged = node.Value.Weights;
            _current = merged;
            text.Bind(merged);
            unet.Bind(merged);
            return new LoraApplication(merged.Count, fromCache, node.Value.Warnings);
        }
    }

    private static long SizeOf(Dictionary<string, float[]> weights) => weights.Values.Sum(w => (long)w.Length * sizeof(float));

    private static string CacheKey(IReadOnlyList<LoraActivation> activations) => string.Join('\n', activations.Select(a =>
        string.Create(CultureInfo.InvariantCulture, $"{a.Network.FilePath}|{a.Network.Hash}|{a.TextEncoderMultiplier:R}|{a.UNetMultiplier:R}")));

    private (Dictionary<string, float[]> Weights, IReadOnlyList<string> Warnings) Merge(IReadOnlyList<LoraActivation> activations, Dictionary<int, Stack<float[]>> spare)
    {
        var warnings = new List<string>();
        var changes = new Dictionary<string, List<(INetworkModule Module, float Multiplier)>>(StringComparer.Ordinal);
        foreach (var activation in activations)
        {
            var network = activation.Network;
            var unmatched = new List<string>();
            var misfits = new List<string>();
            var applied = 0;
            foreach (var module in network.Modules.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                if (!keys.Keys.TryGetValue(module.Name, out var target))
                {
                    unmatched.Add(module.Name);
                    continue;
                }

                var bank = LoraKeyMap.IsTextEncoderKey(target) ? text : unet;
                var shape = bank.Shape(target);
                if (!module.Fits(shape))
                {
                    misfits.Add($"{module.Name}: {module.ShapeText} vs weight [{string.Join(", ", shape)}]");
                    continue;
                }

                var multiplier = LoraKeyMap.IsTextEncoderKey(target) ? activation.TextEncoderMultiplier : activation.UNetMultiplier;
                if (!changes.TryGetValue(target, out var list))
                {
                    changes[target] = list = [];
                }

                list.Add((module, multiplier));
                applied++;
            }

            warnings.AddRange(Describe(network, applied, unmatched, misfits));
        }

        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (target, list) in changes)
        {
            var bank = LoraKeyMap.IsTextEncoderKey(target) ? text : unet;
            var source = bank.Base(target);
            var merged = spare.TryGetValue(source.Length, out var stack) && stack.Count > 0 ? stack.Pop() : GC.AllocateUninitializedArray<float>(source.Length);
            source.CopyTo(merged);
            foreach (var (module, multiplier) in list)
            {
                module.AddTo(merged, bank.Shape(target), multiplier);
            }

            weights[target] = merged;
        }

        return (weights, warnings);
    }

    private static IEnumerable<string> Describe(LoraNetwork network, int applied, List<string> unmatched, List<string> misfits)
    {
        var total = network.Modules.Count;
        if (applied == 0)
        {
            var why = total == 0
                ? "it has no LoRA, LoHa or LoKr modules this reader knows"
                : misfits.Count > 0
                    ? $"its {total} modules do not fit this checkpoint's weights (e.g. {misfits[0]}): it was made for another architecture"
                    : $"none of its {total} modules names a layer of this checkpoint (e.g. '{unmatched[0]}'): it was made for another architecture";
            yield return $"LoRA '{network.Name}' ({network.FilePath}) was not applied: {why}.";
            yield break;
        }

        if (misfits.Count > 0)
        {
            yield return $"LoRA '{network.Name}' ({network.FilePath}): {misfits.Count} of {total} modules do not fit this checkpoint's weights and were skipped (e.g. {misfits[0]}).";
        }

        if (unmatched.Count > 0)
        {
            yield return $"LoRA '{network.Name}' ({network.FilePath}): {unmatched.Count} of {total} modules name no layer of this checkpoint and were skipped (e.g. '{unmatched[0]}').";
        }

        if (network.UnsupportedModules.Count > 0)
        {
            yield return $"LoRA '{network.Name}' ({network.FilePath}): {network.UnsupportedModules.Count} modules are in a format not supported yet (e.g. '{network.UnsupportedModules[0]}') and were skipped.";
        }
    }
}
