using System.Buffers.Binary;
using System.Text;

namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>
/// A pickle interpreter that never executes code: it implements only the opcodes <c>torch.save</c> emits (protocol 2, plus
/// the protocol 3–4 string and memo forms) and builds plain values (<see cref="PickleDict"/>, <see cref="PickleTuple"/>,
/// lists, strings, numbers, <see cref="TorchStorageRef"/>, <see cref="TorchTensorRef"/>). GLOBAL admits only
/// <see cref="TorchPickleGlobals"/>; REDUCE applies only those, by value. Anything else is a <see cref="PickleRefusedException"/>.
/// Every step consumes input, so time is linear in the pickle's length; stack, marks, memo and container sizes are bounded.
/// </summary>
public sealed class SafePickleMachine
{
    private readonly byte[] _data;
    private readonly string _source;
    private readonly PickleLimits _limits;
    private readonly Func<PickleTuple, TorchStorageRef> _persistentLoad;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _at;

    /// <summary>A machine over <paramref name="data"/>; <paramref name="persistentLoad"/> resolves BINPERSID ids to storages.</summary>
    /// <param name="data">The pickle bytes.</param>
    /// <param name="source">The file named in error messages.</param>
    /// <param name="limits">The bounds.</param>
    /// <param name="persistentLoad">Resolves a persistent id tuple to a storage, or throws <see cref="PickleRefusedException"/>.</param>
    public SafePickleMachine(byte[] data, string source, PickleLimits limits, Func<PickleTuple, TorchStorageRef> persistentLoad)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(persistentLoad);
        _data = data;
        _source = source;
        _limits = limits;
        _persistentLoad = persistentLoad;
    }

    /// <summary>Runs the pickle to its STOP and returns the value; the result is then checked for cycles and depth.</summary>
    /// <exception cref="PickleRefusedException">The pickle is malformed, hostile or over a limit.</exception>
    public object? Run()
    {
        while (true)
        {
            var opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: // PROTO
                    var protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Refuse($"pickle protocol {protocol} is not supported.");
                    }

                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1 || _marks.Count != 0)
                    {
                        throw Refuse($"STOP with {_stack.Count} values on the stack and {_marks.Count} open marks.");
                    }

                    var result = _stack[0];
                    CheckStructure(result, 0, new HashSet<object>(ReferenceEqualityComparer.Instance), new HashSet<object>(ReferenceEqualityComparer.Instance));
                    return result;
                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(new PickleTuple([]));
                    break;
                case (byte)'(': // MARK
                    if (_marks.Count >= _limits.MaxMarks)
                    {
                        throw Refuse($"more than {_limits.MaxMarks} nested marks.");
                    }

                    _marks.Add(_stack.Count);
                    break;
                case (byte)'X': // BINUNICODE
                    Push(ReadString(ReadUInt32()));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadString(ReadByte()));
                    break;
                case (byte)'B': // BINBYTES
                    Push(ReadBytes(ReadUInt32()).ToArray());
                    break;
                case (byte)'C': // SHORT_BINBYTES
                    Push(ReadBytes(ReadByte()).ToArray());
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                    break;
                case 0x8a: // LONG1
                    Push(ReadLong1());
                    break;
                case (byte)'G': // BINFLOAT
                    Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'N': // NONE
                    Push(null);
                    break;
                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopToMark()));
                    break;
                case 0x85: // TUPLE1
                    Push(new PickleTuple(PopN(1)));
                    break;
                case 0x86: // TUPLE2
                    Push(new PickleTuple(PopN(2)));
                    break;
                case 0x87: // TUPLE3
                    Push(new PickleTuple(PopN(3)));
                    break;
                case (byte)'a': // APPEND
                    {
                        var value = Pop();
                        AppendTo(Peek("APPEND"), [value]);
                        break;
                    }

                case (byte)'e': // APPENDS
                    {
                        var items = PopToMark();
                        AppendTo(Peek("APPENDS"), items);
                        break;
                    }

                case (byte)'s': // SETITEM
                    {
                        var value = Pop();
                        var key = Pop();
                        SetItems(Peek("SETITEM"), [key, value]);
                        break;
                    }

                case (byte)'u': // SETITEMS
                    {
                        var items = PopToMark();
                        SetItems(Peek("SETITEMS"), items);
                        break;
                    }

                case (byte)'c': // GLOBAL
                    {
                        var module = ReadLine();
                        var name = ReadLine();
                        Push(Global(module, name, "GLOBAL"));
                        break;
                    }

                case 0x93: // STACK_GLOBAL
                    {
                        var name = Pop() as string;
                        var module = Pop() as string;
                        if (module is null || name is null)
                        {
                            throw Refuse("STACK_GLOBAL needs two strings.");
                        }

                        Push(Global(module, name, "STACK_GLOBAL"));
                        break;
                    }

                case (byte)'R': // REDUCE
                    {
                        var args = Pop() as PickleTuple ?? throw Refuse("REDUCE needs an argument tuple.");
                        var callable = Pop();
                        Push(Reduce(callable, args));
                        break;
                    }

                case (byte)'b': // BUILD
                    {
                        var state = Pop();
                        Build(Peek("BUILD"), state);
                        break;
                    }

                case (byte)'Q': // BINPERSID
                    {
                        var id = Pop() as PickleTuple ?? throw Refuse("a persistent id must be a tuple.");
                        Push(_persistentLoad(id));
                        break;
                    }

                case (byte)'h': // BINGET
                    Push(MemoGet(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(MemoGet(ReadUInt32()));
                    break;
                case (byte)'q': // BINPUT
                    MemoPut(ReadByte());
                    break;
                case (byte)'r': // LONG_BINPUT
                    MemoPut(ReadUInt32());
                    break;
                case 0x94: // MEMOIZE
                    MemoPut(_memo.Count);
                    break;
                case (byte)'0': // POP
                    if (_marks.Count > 0 && _marks[^1] == _stack.Count)
                    {
                        _marks.RemoveAt(_marks.Count - 1);
                    }
                    else
                    {
                        Pop();
                    }

                    break;
                case (byte)'1': // POP_MARK
                    PopToMark();
                    break;
                case (byte)'2': // DUP
                    Push(Peek("DUP"));
                    break;
                case (byte)'i':
                    throw RefuseGlobal(ReadLine(), ReadLine(), "INST");
                default:
                    throw Refuse($"opcode 0x{opcode:x2} ('{OpcodeName(opcode)}') at byte {_at - 1} is not one torch.save emits; refused.");
            }
        }
    }

    private static string OpcodeName(byte opcode) => opcode switch
    {
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        (byte)'c' => "GLOBAL",
        0x82 or 0x83 or 0x84 => "EXT",
        (byte)'P' => "PERSID",
        (byte)'V' => "UNICODE",
        (byte)'S' => "STRING",
        (byte)'I' => "INT",
        (byte)'L' => "LONG",
        0x8b => "LONG4",
        0x95 => "FRAME",
        0x96 => "BYTEARRAY8",
        0x97 => "NEXT_BUFFER",
        0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS",
        0x91 => "FROZENSET",
        _ => "unknown",
    };

    private object Global(string module, string name, string opcode)
    {
        if (!TorchPickleGlobals.IsAllowed(module, name))
        {
            throw RefuseGlobal(module, name, opcode);
        }

        return new PickleGlobal(module, name);
    }

    private PickleRefusedException RefuseGlobal(string module, string name, string opcode) =>
        new(_source, $"the pickle names the global '{module}.{name}' ({opcode}), which is not on the allow-list of tensor rebuild functions, storages and OrderedDict; nothing was executed.", module + "." + name);

    private object? Reduce(object? callable, PickleTuple args)
    {
        if (callable is not PickleGlobal global)
        {
            throw Refuse("REDUCE of a value that is not an allow-listed global.");
        }

        var a = args.Items;
        if (global == TorchPickleGlobals.OrderedDict)
        {
            return a.Count == 0 ? new PickleDict() : throw Refuse("OrderedDict with arguments is not what torch.save writes.");
        }

        if (global == TorchPickleGlobals.RebuildTensorV2)
        {
            if (a.Count is < 6 or > 7 || a[0] is not TorchStorageRef storage || a[1] is not long offset)
            {
                throw Refuse("_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks[, metadata]).");
            }

            var shape = Longs(a[2], "size");
            var stride = Longs(a[3], "stride");
            if (shape.Length != stride.Length || shape.Length > _limits.MaxRank)
            {
                throw Refuse($"a tensor has {shape.Length} sizes and {stride.Length} strides (rank at most {_limits.MaxRank}).");
            }

            return new TorchTensorRef(storage, offset, shape, stride);
        }

        if (global == TorchPickleGlobals.RebuildParameter)
        {
            return a.Count == 3 && a[0] is TorchTensorRef tensor ? tensor : throw Refuse("_rebuild_parameter needs (tensor, requires_grad, hooks).");
        }

        throw Refuse($"'{global}' is not callable here (storages appear only in persistent ids).");
    }

    private long[] Longs(object? value, string what)
    {
        if (value is not PickleTuple tuple)
        {
            throw Refuse($"a tensor {what} must be a tuple.");
        }

        var result = new long[tuple.Items.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = tuple.Items[i] is long v && v >= 0 ? v : throw Refuse($"a tensor {what} must hold non-negative integers.");
        }

        return result;
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case PickleDict dict when state is PickleDict attributes:
                dict.Attributes = attributes;
                break;
            case TorchTensorRef when state is PickleDict or PickleTuple or null:
                break;
            default:
                throw Refuse($"BUILD of {Describe(target)} with {Describe(state)} is not what torch.save writes.");
        }
    }

    private void AppendTo(object? target, IReadOnlyList<object?> items)
    {
        if (target is not List<object?> list)
        {
            throw Refuse($"APPEND to {Describe(target)}.");
        }

        if (list.Count + items.Count > _limits.MaxContainerItems)
        {
            throw Refuse($"a list has more than {_limits.MaxContainerItems} items.");
        }

        list.AddRange(items);
    }

    private void SetItems(object? target, IReadOnlyList<object?> items)
    {
        if (target is not PickleDict dict || items.Count % 2 != 0)
        {
            throw Refuse($"SETITEM on {Describe(target)} or with an odd number of values.");
        }

        for (var i = 0; i < items.Count; i += 2)
        {
            var key = items[i];
            if (key is not (string or long or double or bool or PickleTuple))
            {
                throw Refuse($"a dict key is {Describe(key)}.");
            }

            if (dict.Items.Count >= _limits.MaxContainerItems)
            {
                throw Refuse($"a dict has more than {_limits.MaxContainerItems} items.");
            }

            dict.Items[key] = items[i + 1];
        }
    }

    private void CheckStructure(object? value, int depth, HashSet<object> ancestors, HashSet<object> done)
    {
        if (value is null or string or long or double or bool or byte[] or PickleGlobal or TorchStorageRef or TorchTensorRef)
        {
            return;
        }

        if (done.Contains(value))
        {
            return;
        }

        if (depth > _limits.MaxDepth)
        {
            throw Refuse($"containers are nested deeper than {_limits.MaxDepth} levels.");
        }

        if (!ancestors.Add(value))
        {
            throw Refuse("a container contains itself (a cycle).");
        }

        IEnumerable<object?> children = value switch
        {
            List<object?> list => list,
            PickleTuple tuple => tuple.Items,
            PickleDict dict => dict.Items.Keys.Concat(dict.Items.Values).Append(dict.Attributes),
            _ => throw Refuse($"unexpected value {Describe(value)}."),
        };
        foreach (var child in children)
        {
            CheckStructure(child, depth + 1, ancestors, done);
        }

        ancestors.Remove(value);
        done.Add(value);
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PickleDict => "a dict",
        List<object?> => "a list",
        PickleTuple => "a tuple",
        TorchTensorRef => "a tensor",
        TorchStorageRef => "a storage",
        PickleGlobal g => $"the global '{g}'",
        _ => "a " + value.GetType().Name,
    };

    private object? ReadLong1()
    {
        var n = ReadByte();
        var bytes = ReadBytes(n);
        if (n > 8)
        {
            throw Refuse($"an integer of {n} bytes is larger than 64 bits.");
        }

        if (n == 0)
        {
            return 0L;
        }

        Span<byte> padded = stackalloc byte[8];
        padded.Fill((bytes[^1] & 0x80) != 0 ? (byte)0xff : (byte)0);
        bytes.CopyTo(padded);
        return BinaryPrimitives.ReadInt64LittleEndian(padded);
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Refuse($"memo entry {index} is read before it is written.");

    private void MemoPut(long index)
    {
        if (!_memo.ContainsKey(index) && _memo.Count >= _limits.MaxMemo)
        {
            throw Refuse($"more than {_limits.MaxMemo} memo entries.");
        }

        _memo[index] = Peek("PUT");
    }

    private void Push(object? value)
    {
        if (_stack.Count >= _limits.MaxStack)
        {
            throw Refuse($"more than {_limits.MaxStack} values on the stack.");
        }

        _stack.Add(value);
    }

    private object? Pop()
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count <= floor)
        {
            throw Refuse($"stack underflow at byte {_at - 1}.");
        }

        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek(string opcode)
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        return _stack.Count > floor ? _stack[^1] : throw Refuse($"{opcode} on an empty stack at byte {_at - 1}.");
    }

    private object?[] PopN(int n)
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count - floor < n)
        {
            throw Refuse($"stack underflow at byte {_at - 1}.");
        }

        var items = _stack.GetRange(_stack.Count - n, n).ToArray();
        _stack.RemoveRange(_stack.Count - n, n);
        return items;
    }

    private object?[] PopToMark()
    {
        if (_marks.Count == 0)
        {
            throw Refuse($"no mark to pop to at byte {_at - 1}.");
        }

        var mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte ReadByte() => _at < _data.Length ? _data[_at++] : throw Refuse("the pickle ends before STOP.");

    private long ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private ReadOnlySpan<byte> ReadBytes(long count)
    {
        if (count > _data.Length - _at)
        {
            throw Refuse($"a value of {count} bytes runs past the end of the pickle.");
        }

        var span = _data.AsSpan(_at, (int)count);
        _at += (int)count;
        return span;
    }

    private string ReadString(long count)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(ReadBytes(count));
        }
        catch (DecoderFallbackException e)
        {
            throw new PickleRefusedException($"'{_source}': a string is not valid UTF-8.", e);
        }
    }

    private string ReadLine()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _at);
        if (end < 0 || end - _at > 256)
        {
            throw Refuse("a GLOBAL name is unterminated or longer than 256 bytes.");
        }

        var text = Encoding.UTF8.GetString(_data, _at, end - _at);
        _at = end + 1;
        return text;
    }

    private PickleRefusedException Refuse(string problem) => new(_source, problem);
}
