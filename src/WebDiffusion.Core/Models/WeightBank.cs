using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The values bound to a compiled graph's weight inputs (<see cref="Checkpoints.Compiler.LoraTargets"/>) on every run: one
/// ORT tensor per weight, over the mapped checkpoint for float32 files (nothing copied) or over a float32 copy made once
/// for fp16/bf16 files. <see cref="Bind"/> swaps some of them for other values (LoRA-merged weights) and back, without
/// reading the checkpoint again. Binding happens between jobs: it must not overlap a run of the session.
/// </summary>
internal sealed unsafe class WeightBank : IDisposable
{
    private readonly Dictionary<string, (OrtTensor Tensor, long[] Shape, float[]? Copy, nint Pointer, int Count)> _base;
    private readonly string[] _names;
    private readonly Dictionary<string, int> _slots;
    private readonly List<OrtTensor> _bound = [];
    private OrtNamedTensor[] _inputs;

    /// <summary>A bank over the weights <paramref name="keys"/> of <paramref name="file"/>.</summary>
    public WeightBank(ICheckpointTensors file, IEnumerable<string> keys)
    {
        _base = new(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var info = file.Get(key);
            long[] shape = [.. info.Shape];
            var count = checked((int)info.ElementCount);
            if (info.DType == TensorDType.F32)
            {
                var pointer = file.GetPointer(key);
                _base[key] = (OrtTensor.CreateOver(pointer, info.ByteLength, TensorElementType.Float, shape), shape, null, pointer, count);
            }
            else
            {
                var copy = new float[count];
                file.ReadFloat32(key, copy);
                _base[key] = (OrtTensor.Create(copy, shape), shape, copy, 0, count);
            }
        }

        _names = [.. _base.Keys];
        _slots = _names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        _inputs = [.. _names.Select(n => new OrtNamedTensor(n, _base[n].Tensor))];
    }

    /// <summary>The weights (full checkpoint keys).</summary>
    public IReadOnlyList<string> Keys => _names;

    /// <summary>How many weights the bank binds.</summary>
    public int Count => _names.Length;

    /// <summary>The tensors to pass with every run, in a fixed order.</summary>
    public ReadOnlySpan<OrtNamedTensor> Inputs => Volatile.Read(ref _inputs);

    /// <summary>Whether <paramref name="key"/> is one of the bank's weights.</summary>
    public bool Contains(string key) => _slots.ContainsKey(key);

    /// <summary>The shape of weight <paramref name="key"/>.</summary>
    public IReadOnlyList<long> Shape(string key) => _base[key].Shape;

    /// <summary>The checkpoint's own values of weight <paramref name="key"/> (float32).</summary>
    public ReadOnlySpan<float> Base(string key)
    {
        var entry = _base[key];
        return entry.Copy ?? new ReadOnlySpan<float>((void*)entry.Pointer, entry.Count);
    }

    /// <summary>
    /// Binds <paramref name="values"/> (key → float32 values of the weight's shape) and the checkpoint's own values for every
    /// other weight; the arrays must stay unchanged while bound.
    /// </summary>
    public void Bind(IReadOnlyDictionary<string, float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = new OrtNamedTensor[_names.Length];
        var bound = new List<OrtTensor>(values.Count);
        for (var i = 0; i < _names.Length; i++)
        {
            var name = _names[i];
            if (values.TryGetValue(name, out var merged))
            {
                var tensor = OrtTensor.Create(merged, _base[name].Shape);
                bound.Add(tensor);
                inputs[i] = new OrtNamedTensor(name, tensor);
            }
            else
            {
                inputs[i] = new OrtNamedTensor(name, _base[name].Tensor);
            }
        }

        Volatile.Write(ref _inputs, inputs);
        foreach (var old in _bound)
        {
            old.Dispose();
        }

        _bound.Clear();
        _bound.AddRange(bound);
    }

    public void Dispose()
    {
        foreach (var tensor in _bound)
        {
            tensor.Dispose();
        }

        foreach (var entry in _base.Values)
        {
            entry.Tensor.Dispose();
        }
    }
}
