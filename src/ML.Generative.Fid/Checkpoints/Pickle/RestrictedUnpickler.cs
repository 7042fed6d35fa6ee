using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ML.Generative.Fid.Checkpoints.Pickle;

/// <summary>
/// A pickle interpreter that only builds data: the opcodes of protocols 2-5 that a PyTorch state dict
/// uses, globals only from its environment's whitelist, REDUCE only of whitelisted callables, which the
/// environment implements in C#. Nothing named in the file is ever looked up or run.
/// </summary>
/// <remarks>
/// Every length in the stream is checked against the bytes that remain before anything is allocated, and
/// every opcode consumes at least one byte, so work and memory are bounded by the input size.
/// Opcode meanings follow CPython's Lib/pickletools.py documentation.
/// </remarks>
internal sealed class RestrictedUnpickler
{
    private const int MaxGlobalNameBytes = 512;
    private const int MaxLongBytes = 1024;

    private readonly byte[] _data;
    private readonly int _end;
    private readonly string _source;
    private readonly IPickleEnvironment _env;
    private readonly List<object?> _stack = new();
    private readonly List<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;
    private int _opStart;

    /// <summary>Prepares to read one pickle from data[start..end).</summary>
    public RestrictedUnpickler(byte[] data, int start, int end, string source, IPickleEnvironment env)
    {
        _data = data;
        _pos = start;
        _end = end;
        _source = source;
        _env = env;
    }

    /// <summary>The offset just after the STOP opcode, once <see cref="Load"/> returned.</summary>
    public int Position => _pos;

    /// <summary>Runs the pickle to its STOP opcode and returns the object it built.</summary>
    /// <exception cref="CheckpointFormatException">The pickle is truncated, malformed, or asks for anything not allowed.</exception>
    public object? Load()
    {
        while (true)
        {
            _opStart = _pos;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    int protocol = ReadByte();
                    if (protocol > 5) throw Fail($"pickle protocol {protocol} is not supported (at most 5)");
                    break;
                case 0x95: // FRAME: framing is transparent here, but the length must fit
                    if (ReadUInt64() > (ulong)(_end - _pos)) throw Fail("frame longer than the data");
                    break;
                case (byte)'.': // STOP
                    if (_marks.Count != 0 || _stack.Count != 1)
                        throw Fail($"STOP with {_stack.Count} values and {_marks.Count} open marks on the stack");
                    return _stack[0];

                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;
                case (byte)'K': Push((long)ReadByte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: // LONG4
                    int longLength = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
                    if (longLength < 0 || longLength > MaxLongBytes) throw Fail($"LONG4 of {longLength} bytes");
                    Push(ReadLong(longLength));
                    break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT

                case 0x8c: Push(ReadString(ReadByte())); break;                              // SHORT_BINUNICODE
                case (byte)'X': Push(ReadString(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // BINUNICODE
                case 0x8d: Push(ReadString(ReadUInt64())); break;                            // BINUNICODE8
                case (byte)'C': Push(Take(ReadByte()).ToArray()); break;                     // SHORT_BINBYTES
                case (byte)'B': Push(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))).ToArray()); break; // BINBYTES
                case 0x8e: Push(Take(ReadUInt64()).ToArray()); break;                        // BINBYTES8

                case (byte)'(': _marks.Add(_stack.Count); break; // MARK
                case (byte)')': Push(Array.Empty<object?>()); break;
                case 0x85: Push(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; }
                case (byte)'t': Push(PopMark()); break; // TUPLE
                case (byte)']': Push(new List<object?>()); break;
                case (byte)'l': Push(new List<object?>(PopMark())); break; // LIST
                case (byte)'a': // APPEND
                    {
                        var value = Pop();
                        Top<List<object?>>("APPEND").Add(value);
                        break;
                    }
                case (byte)'e': // APPENDS
                    {
                        var items = PopMark();
                        Top<List<object?>>("APPENDS").AddRange(items);
                        break;
                    }
                case (byte)'}': Push(new PickleDict(ordered: false)); break;
                case (byte)'d': // DICT
                    {
                        var dict = new PickleDict(ordered: false);
                        SetItems(dict, PopMark());
                        Push(dict);
                        break;
                    }
                case (byte)'s': // SETITEM
                    {
                        var value = Pop();
                        var key = Pop();
                        SetItems(Top<PickleDict>("SETITEM"), new[] { key, value });
                        break;
                    }
                case (byte)'u': // SETITEMS
                    {
                        var items = PopMark();
                        SetItems(Top<PickleDict>("SETITEMS"), items);
                        break;
                    }

                case (byte)'q': Memo(ReadByte()); break;                                       // BINPUT
                case (byte)'r': Memo(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break; // LONG_BINPUT
                case 0x94: Memo(_memo.Count); break;                                           // MEMOIZE
                case (byte)'h': Recall(ReadByte()); break;                                     // BINGET
                case (byte)'j': Recall(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))); break; // LONG_BINGET

                case (byte)'0': // POP: the top value, or the mark when nothing is above it
                    if (_stack.Count > CurrentMark) _stack.RemoveAt(_stack.Count - 1);
                    else PopMark();
                    break;
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP

                case (byte)'c': // GLOBAL
                    {
                        string module = ReadLine(), name = ReadLine();
                        Push(Global(module, name));
                        break;
                    }
                case 0x93: // STACK_GLOBAL
                    {
                        var name = Pop();
                        var module = Pop();
                        if (module is not string m || name is not string n) throw Fail("STACK_GLOBAL needs two strings");
                        Push(Global(m, n));
                        break;
                    }
                case (byte)'R': // REDUCE
                    {
                        var args = Pop();
                        var callable = Pop();
                        if (callable is not PickleGlobal g)
                            throw Fail($"REDUCE of a {TypeName(callable)}: only whitelisted globals can be called");
                        if (args is not object?[] tuple) throw Fail($"REDUCE of {g} with {TypeName(args)} arguments instead of a tuple");
                        Push(Wrap(() => _env.Reduce(g, tuple)));
                        break;
                    }
                case (byte)'b': // BUILD
                    {
                        var state = Pop();
                        var target = Peek();
                        if (target is not PickleDict dict || state is not PickleDict attributes)
                            throw Fail($"BUILD of a {TypeName(target)} with {TypeName(state)} state: only a dict's attributes can be set");
                        dict.Attributes = attributes;
                        break;
                    }
                case (byte)'Q': // BINPERSID
                    {
                        var pid = Pop();
                        Push(Wrap(() => _env.PersistentLoad(pid)));
                        break;
                    }
                default:
                    throw Fail($"unsupported pickle opcode 0x{op:x2}" + (op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : ""));
            }
        }
    }

    private int CurrentMark => _marks.Count == 0 ? 0 : _marks[^1];

    private PickleGlobal Global(string module, string name)
    {
        if (!_env.IsAllowedGlobal(module, name))
            throw Fail($"the pickle refers to global '{module}.{name}', which is not allowed (allowed: {_env.DescribeAllowedGlobals()})");
        return new PickleGlobal(module, name);
    }

    private void SetItems(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0) throw Fail("a dict needs key/value pairs; got an odd number of items");
        for (int i = 0; i < items.Length; i += 2)
            if (!dict.Set(items[i], items[i + 1])) throw Fail($"a dict key of type {TypeName(items[i])} is not supported");
    }

    private void Memo(long index)
    {
        if (_stack.Count <= CurrentMark) throw Fail("memo store with nothing on the stack");
        _memo[index] = _stack[^1];
    }

    private void Recall(long index)
    {
        if (!_memo.TryGetValue(index, out var value)) throw Fail($"memo key {index} was never stored");
        Push(value);
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count <= CurrentMark) throw Fail("stack underflow");
        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        if (_stack.Count <= CurrentMark) throw Fail("stack underflow");
        return _stack[^1];
    }

    private T Top<T>(string opcode) where T : class =>
        Peek() as T ?? throw Fail($"{opcode} on a {TypeName(Peek())}");

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Fail("no MARK to pop to");
        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private byte ReadByte() => Take(1)[0];

    private ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    private ReadOnlySpan<byte> Take(ulong count)
    {
        if (count > (ulong)(_end - _pos))
            throw Fail($"the pickle ends early: {count} bytes needed, {_end - _pos} left");
        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private object ReadLong(int length)
    {
        var bytes = Take((ulong)length);
        if (length <= 8)
        {
            long v = 0;
            for (int i = length - 1; i >= 0; i--) v = (v << 8) | bytes[i];
            if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0) v -= 1L << (8 * length); // sign
            return v;
        }
        return new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
    }

    private string ReadString(ulong length)
    {
        var bytes = Take(length);
        try
        {
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a string is not valid UTF-8");
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private string ReadLine()
    {
        int limit = Math.Min(_end, _pos + MaxGlobalNameBytes);
        int newline = Array.IndexOf(_data, (byte)'\n', _pos, limit - _pos);
        if (newline < 0) throw Fail("GLOBAL name not terminated by a newline");
        string text = ReadString((ulong)(newline - _pos));
        _pos++; // the newline
        return text;
    }

    private object? Wrap(Func<object?> call)
    {
        try
        {
            return call();
        }
        catch (PickleEnvironmentException e)
        {
            throw Fail(e.Message);
        }
    }

    private CheckpointFormatException Fail(string message) =>
        new($"{_source}: pickle byte {_opStart}: {message}");

    /// <summary>A value's kind in Python terms, for messages (never its contents: they may be huge or cyclic).</summary>
    internal static string TypeName(object? value) => value switch
    {
        null => "None",
        string => "str",
        long or BigInteger => "int",
        double => "float",
        bool => "bool",
        byte[] => "bytes",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict d => d.IsOrdered ? "OrderedDict" : "dict",
        PickleGlobal g => $"global {g}",
        PickleMark => "mark",
        _ => value.GetType().Name,
    };
}

/// <summary>Thrown by an <see cref="IPickleEnvironment"/>; the unpickler adds the file and offset.</summary>
internal sealed class PickleEnvironmentException(string message) : Exception(message);
