using System.Buffers.Binary;
using ML.Generative.Fid.Checkpoints;

namespace ML.Generative.Fid.Tests.Checkpoints;

public class HostileCheckpointTests
{
    private static readonly CheckpointReadOptions Small = new() { MaxTensorBytes = 1 << 20, MaxTotalTensorBytes = 4 << 20 };

    private static CheckpointFormatException Refused(byte[] file, CheckpointReadOptions? options = null) =>
        Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.Load(new MemoryStream(file), options ?? Small, "test.pth"));

    private static byte[] KeyList(params string[] keys)
    {
        var w = new PickleWriter().Proto().Op(']').Mark();
        foreach (var k in keys) w.Str(k);
        return w.Op('e').Stop().ToArray();
    }

    [Theory]
    [MemberData(nameof(CheckpointReference.Files), MemberType = typeof(CheckpointReference))]
    public void EveryTruncation_IsRefused(string file, string _)
    {
        var bytes = CheckpointReference.Bytes(file);
        for (int length = 0; length < bytes.Length; length++)
        {
            var e = Refused(bytes[..length]);
            Assert.Contains("test.pth", e.Message);
        }
    }

    [Fact]
    public void WrongMagicNumber_IsRefused()
    {
        var bytes = CheckpointReference.Bytes("shared_legacy.pth");
        bytes[5] ^= 0x01; // inside the LONG1 magic number
        Assert.Contains("magic", Refused(bytes).Message);
        Assert.Contains("not a PyTorch checkpoint", Refused("GIF89a..."u8.ToArray()).Message);
        Assert.Contains("empty", Refused([]).Message);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("torch.storage", "_load_from_bytes")]
    [InlineData("torch", "load")]
    [InlineData("__builtin__", "getattr")]
    public void UnknownGlobal_IsRefusedByName(string module, string name)
    {
        // The classic exploit shape: GLOBAL os.system, ('echo pwned',), REDUCE.
        var p = new PickleWriter().Proto().Global(module, name).Mark().Str("echo pwned").Tuple().Reduce().Stop().ToArray();
        Assert.Contains($"'{module}.{name}'", Refused(CheckpointFiles.Zip(p)).Message);
        Assert.Contains($"'{module}.{name}'", Refused(CheckpointFiles.Legacy(p, KeyList())).Message);
    }

    [Fact]
    public void StackGlobal_IsCheckedToo()
    {
        var p = new PickleWriter().Proto(4).Str("builtins").Str("exec").Op(0x93).Stop().ToArray();
        Assert.Contains("'builtins.exec'", Refused(CheckpointFiles.Zip(p)).Message);
    }

    [Fact]
    public void ReduceOfANonCallable_IsRefused()
    {
        // A storage class is whitelisted as a tag, but calling it is not.
        var storageCall = new PickleWriter().Proto().Global("torch", "FloatStorage").Mark().Int(10).Tuple().Reduce().Stop().ToArray();
        Assert.Contains("cannot be called", Refused(CheckpointFiles.Zip(storageCall)).Message);
        // REDUCE of a plain value.
        var stringCall = new PickleWriter().Proto().Str("os.system").EmptyTuple().Reduce().Stop().ToArray();
        Assert.Contains("only whitelisted globals can be called", Refused(CheckpointFiles.Zip(stringCall)).Message);
        // OrderedDict with arguments, and BUILD on a tensor.
        var ordered = new PickleWriter().Proto().Global("collections", "OrderedDict").Mark().Op(']').Tuple().Reduce().Stop().ToArray();
        Assert.Contains("without arguments", Refused(CheckpointFiles.Zip(ordered)).Message);
    }

    [Fact]
    public void UnsupportedOpcodes_AreRefused()
    {
        var inst = new PickleWriter().Proto().Op('i').Raw("os\nsystem\n"u8.ToArray()).Stop().ToArray(); // INST
        Assert.Contains("unsupported pickle opcode 0x69", Refused(CheckpointFiles.Zip(inst)).Message);
        var newobj = new PickleWriter().Proto().Global("collections", "OrderedDict").EmptyTuple().Op(0x81).Stop().ToArray(); // NEWOBJ
        Assert.Contains("0x81", Refused(CheckpointFiles.Zip(newobj)).Message);
    }

    [Fact]
    public void HugeDeclaredLengths_AreRefusedWithoutAllocating()
    {
        // BINUNICODE claiming 2 GiB of text.
        var str = new PickleWriter().Proto().Op('X').Raw(0xff, 0xff, 0xff, 0x7f).Raw("abc"u8.ToArray()).Stop().ToArray();
        Assert.Contains("ends early", Refused(CheckpointFiles.Zip(str)).Message);

        // A storage declaring 2^40 elements backed by 16 bytes.
        var bigStorage = new PickleWriter().BeginStateDict().Str("w").Tensor("0", 1L << 40, 0, new long[] { 4 }, new long[] { 1 }).SetItemsStop().ToArray();
        Assert.Contains("needs", Refused(CheckpointFiles.Zip(bigStorage, ("0", new float[4]))).Message);

        // A broadcast view of 2^62 elements of one float: within the storage, far over the size limit.
        var broadcast = new PickleWriter().BeginStateDict().Str("w").Tensor("0", 1, 0, new long[] { 1L << 31, 1L << 31 }, new long[] { 0, 0 }).SetItemsStop().ToArray();
        Assert.Contains("limit", Refused(CheckpointFiles.Zip(broadcast, ("0", new float[1]))).Message);

        // Sizes whose product overflows 64 bits, and a stride that runs off the storage.
        var overflow = new PickleWriter().BeginStateDict().Str("w").Tensor("0", 4, 0, new long[] { 1L << 40, 1L << 40 }, new long[] { 0, 0 }).SetItemsStop().ToArray();
        Assert.Contains("overflow", Refused(CheckpointFiles.Zip(overflow, ("0", new float[4]))).Message);
        var offStorage = new PickleWriter().BeginStateDict().Str("w").Tensor("0", 4, 1, new long[] { 2 }, new long[] { 3 }).SetItemsStop().ToArray();
        Assert.Contains("reaches element 4", Refused(CheckpointFiles.Zip(offStorage, ("0", new float[4]))).Message);
        var negative = new PickleWriter().BeginStateDict().Str("w").Tensor("0", 4, 0, new long[] { 2 }, new long[] { -1 }).SetItemsStop().ToArray();
        Assert.Contains("negative stride", Refused(CheckpointFiles.Zip(negative, ("0", new float[4]))).Message);
    }

    [Fact]
    public void LegacyRecordLies_AreRefused()
    {
        var sd = new PickleWriter().BeginStateDict().Str("w").Tensor("k", 4, 0, new long[] { 4 }, new long[] { 1 }).SetItemsStop().ToArray();
        // The zip-style persistent id has 5 fields; legacy needs 6.
        Assert.Contains("persistent id", Refused(CheckpointFiles.Legacy(sd, KeyList("k"))).Message);

        var legacy = LegacyPickle(numel: 4);
        var record = new byte[8 + 16];
        BinaryPrimitives.WriteInt64LittleEndian(record, 4);
        Assert.Equal(4, TorchCheckpoint.Load(new MemoryStream(CheckpointFiles.Legacy(legacy, KeyList("k"), record)))["w"].ElementCount);

        BinaryPrimitives.WriteInt64LittleEndian(record, long.MaxValue);
        Assert.Contains("elements in its record", Refused(CheckpointFiles.Legacy(legacy, KeyList("k"), record)).Message);
        var huge = LegacyPickle(numel: long.MaxValue / 2);
        BinaryPrimitives.WriteInt64LittleEndian(record, long.MaxValue / 2);
        Assert.Contains("ends inside storage", Refused(CheckpointFiles.Legacy(huge, KeyList("k"), record)).Message);
        Assert.Contains("no tensor uses", Refused(CheckpointFiles.Legacy(legacy, KeyList("other"), record)).Message);
        Assert.Contains("no data record", Refused(CheckpointFiles.Legacy(legacy, KeyList(), record)).Message);
    }

    private static byte[] LegacyPickle(long numel)
    {
        var w = new PickleWriter().BeginStateDict().Str("w").Global("torch._utils", "_rebuild_tensor_v2").Mark();
        w.Mark().Str("storage").Global("torch", "FloatStorage").Str("k").Str("cpu").Long(numel).Op('N').Tuple().Op('Q');
        w.Long(0).Mark().Long(4).Tuple().Mark().Long(1).Tuple().Op(0x89).Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return w.Tuple().Reduce().SetItemsStop().ToArray();
    }

    [Fact]
    public void NonTensorValues_AndCycles_AreRefused()
    {
        // d = {"w": l} where l = [l]: a self-referencing list must neither hang nor overflow the stack.
        var cyclic = new PickleWriter().BeginStateDict().Str("w").Op(']').Op('q').Raw(9).Op('h').Raw(9).Op('a').SetItemsStop().ToArray();
        Assert.Contains("'w' is a list, not a tensor", Refused(CheckpointFiles.Zip(cyclic)).Message);
        var number = new PickleWriter().Proto().Int(3).Stop().ToArray();
        Assert.Contains("not a state dict", Refused(CheckpointFiles.Zip(number)).Message);
    }

    [Fact]
    public void ZipWithoutDataPickle_IsRefused()
    {
        var zip = CheckpointFiles.Zip(new PickleWriter().Proto().Stop().ToArray());
        // Rename archive/data.pkl to archive/data.pkx (same length, so the zip stays valid).
        var text = System.Text.Encoding.ASCII.GetBytes("data.pkl");
        for (int i = 0; i + text.Length <= zip.Length; i++)
            if (zip.AsSpan(i, text.Length).SequenceEqual(text)) zip[i + 7] = (byte)'x';
        Assert.Contains("no data.pkl", Refused(zip).Message);
    }
}
