using System.Buffers.Binary;
using System.Text;

namespace ML.Generative.Fid.Tests.Checkpoints;

/// <summary>Emits pickle opcodes by hand, to build hostile or unusual pickles in tests.</summary>
internal sealed class PickleWriter
{
    private readonly List<byte> _bytes = new();

    public PickleWriter Proto(byte version = 2) => Op(0x80).Raw(version);
    public PickleWriter Op(byte op) { _bytes.Add(op); return this; }
    public PickleWriter Op(char op) => Op((byte)op);
    public PickleWriter Raw(params byte[] bytes) { _bytes.AddRange(bytes); return this; }
    public PickleWriter Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    public PickleWriter Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        var len = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
        return Op('X').Raw(len).Raw(b);
    }
    public PickleWriter Int(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, v);
        return Op('J').Raw(b);
    }
    public PickleWriter Long(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return Op(0x8a).Raw(8).Raw(b);
    }
    public PickleWriter Mark() => Op('(');
    public PickleWriter Tuple() => Op('t');
    public PickleWriter EmptyTuple() => Op(')');
    public PickleWriter Reduce() => Op('R');
    public PickleWriter Stop() => Op('.');
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>OrderedDict() then MARK, ready for key/value pairs and <see cref="SetItemsStop"/>.</summary>
    public PickleWriter BeginStateDict() => Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce().Mark();

    public PickleWriter SetItemsStop() => Op('u').Stop();

    /// <summary>A _rebuild_tensor_v2 call on a zip-format float storage.</summary>
    public PickleWriter Tensor(string storageKey, long storageNumel, long offset, long[] sizes, long[] strides)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", "FloatStorage").Str(storageKey).Str("cpu").Long(storageNumel).Tuple().Op('Q');
        Long(offset);
        Mark(); foreach (var s in sizes) Long(s); Tuple();
        Mark(); foreach (var s in strides) Long(s); Tuple();
        Op(0x89).Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return Tuple().Reduce();
    }
}
