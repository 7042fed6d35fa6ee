using TorchSharp;
using ML.Generative.Serialization;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Serialization;

public class SafeTensorsRoundTripTests
{
    public static TheoryData<ScalarType> DTypes => new()
    {
        ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int64,
        ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool,
    };

    private static readonly long[][] Shapes = { new long[] { 2, 3 }, new long[] { 6 }, new long[0], new long[] { 0 }, new long[] { 3, 0, 2 }, new long[] { 1, 1, 1 } };

    /// <summary>Six values per dtype, edge cases first (extremes, NaN, infinities, -0, subnormals).</summary>
    private static Tensor Make(ScalarType dtype, long[] shape)
    {
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        return dtype switch
        {
            ScalarType.Float32 => tensor(new[] { float.NaN, float.NegativeInfinity, -0f, float.Epsilon, 3.4e38f, 1.5f }[..n], shape),
            ScalarType.Float64 => tensor(new[] { double.NaN, double.PositiveInfinity, -0d, double.Epsilon, -1e308, Math.PI }[..n], shape),
            ScalarType.Float16 => tensor(new[] { Half.NaN, Half.NegativeInfinity, (Half)(-0.0), Half.Epsilon, Half.MaxValue, (Half)1.5 }[..n], shape),
            ScalarType.BFloat16 => tensor(new[] { float.NaN, float.PositiveInfinity, -0f, 1e-40f, -3e38f, 0.5f }[..n], shape, ScalarType.BFloat16),
            ScalarType.Int64 => tensor(new[] { long.MinValue, long.MaxValue, 0, -1, 1L << 40, 7 }[..n], shape),
            ScalarType.Int32 => tensor(new[] { int.MinValue, int.MaxValue, 0, -1, 1 << 20, 7 }[..n], shape),
            ScalarType.Int16 => tensor(new short[] { short.MinValue, short.MaxValue, 0, -1, 300, 7 }[..n], shape),
            ScalarType.Int8 => tensor(new sbyte[] { sbyte.MinValue, sbyte.MaxValue, 0, -1, 100, 7 }[..n], shape),
            ScalarType.Byte => tensor(new byte[] { 0, 255, 1, 128, 100, 7 }[..n], shape),
            ScalarType.Bool => tensor(new[] { true, false, false, true, true, false }[..n], shape),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
    }

    private static byte[] Raw(Tensor t) => SafeTensors.ToEntry("t", t).Data.ToArray();

    [Theory]
    [MemberData(nameof(DTypes))]
    public void EveryDType_RoundTripsBitExact_ForAllShapes(ScalarType dtype)
    {
        using var folder = new SafeTensorsTestFiles.TempFolder();
        using var scope = NewDisposeScope();
        var saved = Shapes.Select((s, i) => (name: $"t{i}", tensor: Make(dtype, s))).ToDictionary(x => x.name, x => x.tensor);
        Assert.Equal(dtype, saved["t0"].dtype);
        var path = folder.File("all.safetensors");

        SafeTensors.Save(path, saved);
        var loaded = SafeTensors.Load(path);

        Assert.Equal(saved.Keys.OrderBy(k => k), loaded.Keys.OrderBy(k => k));
        foreach (var (name, original) in saved)
        {
            var back = loaded[name];
            Assert.Equal(dtype, back.dtype);
            Assert.Equal(original.shape, back.shape);
            Assert.Equal(Raw(original), Raw(back));
            Assert.Equal(original.ToDoubles(), back.ToDoubles());
        }
    }

    [Fact]
    public void MixedDTypes_InOneFile_RoundTrip_AndScalarStaysZeroDimensional()
    {
        using var scope = NewDisposeScope();
        var saved = new Dictionary<string, Tensor>
        {
            ["byte"] = Make(ScalarType.Byte, new long[] { 3 }),
            ["half"] = Make(ScalarType.Float16, new long[] { 5 }),
            ["double"] = Make(ScalarType.Float64, new long[] { 1 }),
            ["scalar"] = tensor(2.5),
            ["empty"] = zeros(new long[] { 0, 7 }),
        };
        using var memory = new MemoryStream();
        SafeTensors.Save(memory, saved);
        memory.Position = 0;
        var loaded = SafeTensors.Load(memory);

        Assert.Empty(loaded["scalar"].shape);
        Assert.Equal(2.5, loaded["scalar"].ToDouble());
        Assert.Equal(new long[] { 0, 7 }, loaded["empty"].shape);
        foreach (var (name, t) in saved) Assert.Equal(Raw(t), Raw(loaded[name]));
    }

    [Fact]
    public void ParametersAndNonContiguousViews_SaveTheirValues()
    {
        using var scope = NewDisposeScope();
        var matrix = TensorData.From(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var parameter = new TorchSharp.Modules.Parameter(matrix.clone());
        var transposed = matrix.t(); // a strided view: written row-major as its own shape
        using var memory = new MemoryStream();
        SafeTensors.Save(memory, new Dictionary<string, Tensor> { ["p"] = parameter, ["t"] = transposed });
        memory.Position = 0;
        var loaded = SafeTensors.Load(memory);

        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, loaded["p"].ToFloats());
        Assert.False(loaded["p"].requires_grad);
        Assert.Equal(new long[] { 3, 2 }, loaded["t"].shape);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, loaded["t"].ToFloats());
    }

    [Fact]
    public void Metadata_RoundTrips_ThroughBothApis()
    {
        using var folder = new SafeTensorsTestFiles.TempFolder();
        using var scope = NewDisposeScope();
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["quote \" and \\ backslash"] = "line\nbreak",
            ["unicode"] = "größe ✓ 模型",
            ["empty"] = "",
        };
        var path = folder.File("meta.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["naïve.weight"] = ones(2) }, metadata);

        Assert.Equal(metadata.OrderBy(m => m.Key), SafeTensors.ReadMetadata(path).OrderBy(m => m.Key));
        var file = SafeTensorsFile.Load(path);
        Assert.Equal(metadata.OrderBy(m => m.Key), file.Metadata.OrderBy(m => m.Key));
        Assert.Equal("naïve.weight", Assert.Single(file.Tensors).Name);

        var again = SafeTensorsFile.Read(file.ToArray());
        Assert.Equal(metadata.OrderBy(m => m.Key), again.Metadata.OrderBy(m => m.Key));
    }

    [Fact]
    public void NoMetadata_ReadsAsEmpty()
    {
        var file = SafeTensorsFile.Read(new SafeTensorsFile(Array.Empty<SafeTensorsEntry>()).ToArray());
        Assert.Empty(file.Metadata);
        Assert.Empty(file.Tensors);
    }

    [Fact]
    public void Writer_IsDeterministic_AlignsHeader_AndOrdersByElementSize()
    {
        var a = new SafeTensorsEntry("a", ScalarType.Byte, new long[] { 3 }, new byte[] { 1, 2, 3 });
        var b = new SafeTensorsEntry("b", ScalarType.Float64, new long[] { 1 }, BitConverter.GetBytes(1.0));
        var c = new SafeTensorsEntry("c", ScalarType.Int16, new long[] { 2 }, new byte[] { 1, 0, 2, 0 });
        var one = new SafeTensorsFile(new[] { a, b, c }).ToArray();
        var other = new SafeTensorsFile(new[] { c, a, b }).ToArray();

        Assert.Equal(one, other);
        var headerLength = BitConverter.ToUInt64(one, 0);
        Assert.Equal(0UL, (8 + headerLength) % 8);
        var read = SafeTensorsFile.Read(one);
        Assert.Equal(new[] { "b", "c", "a" }, read.Tensors.Select(t => t.Name));
        Assert.Equal(new byte[] { 1, 2, 3 }, read["a"].Data.ToArray());
    }

    [Fact]
    public void NonSeekableStream_IsReadToo()
    {
        var bytes = new SafeTensorsFile(new[] { new SafeTensorsEntry("x", ScalarType.Int32, new long[] { 2 }, new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 }) }).ToArray();
        using var stream = new ForwardOnlyStream(bytes);
        var file = SafeTensorsFile.Read(stream, "pipe");
        Assert.Equal(new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 }, file["x"].Data.ToArray());
    }

    [Fact]
    public void UnstorableInput_IsRejectedBeforeWriting()
    {
        Assert.Throws<ArgumentException>(() => new SafeTensorsEntry("x", ScalarType.Float32, new long[] { 2 }, new byte[7]));
        Assert.Throws<ArgumentException>(() => new SafeTensorsEntry("x", ScalarType.Float32, new long[] { -1 }, new byte[0]));
        var e = new SafeTensorsEntry("__metadata__", ScalarType.Byte, new long[] { 1 }, new byte[1]);
        Assert.Throws<ArgumentException>(() => new SafeTensorsFile(new[] { e }));
        var x = new SafeTensorsEntry("x", ScalarType.Byte, new long[] { 1 }, new byte[1]);
        Assert.Throws<ArgumentException>(() => new SafeTensorsFile(new[] { x, x }));
    }

    [Fact]
    public void ModuleStateDict_SaveThenLoadIntoFreshModule_GivesIdenticalOutputs()
    {
        using var folder = new SafeTensorsTestFiles.TempFolder();
        using var scope = NewDisposeScope();
        var path = folder.File("model.safetensors");
        using var trained = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4));
        var input = randn(2, 1, 8, 8);
        // Buffers away from their defaults, as training would leave them. (Set directly: this branch's
        // BatchNorm cannot yet count batches in training mode, an int64 add_ fixed on main.)
        var state = trained.state_dict();
        state["1.running_mean"].copy_(randn(4));
        state["1.running_var"].copy_(rand(4) + 0.5);
        state["1.num_batches_tracked"].copy_(tensor(new long[] { 3 }, new long[0]));
        trained.eval();
        var expected = trained.forward(input);

        trained.SaveSafeTensors(path, new Dictionary<string, string> { ["kind"] = "test" });
        using var fresh = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4));
        fresh.eval();
        Assert.False(fresh.forward(input).Identical(expected));
        fresh.LoadSafeTensors(path);

        Assert.True(fresh.forward(input).Identical(expected));
        Assert.Equal(3L, fresh.state_dict()["1.num_batches_tracked"].ToInt64());
        Assert.Equal("test", SafeTensors.ReadMetadata(path)["kind"]);
    }

    [Fact]
    public void ModuleLoad_WithWrongShapesOrKeys_SaysWhichAndChangesNothing()
    {
        using var folder = new SafeTensorsTestFiles.TempFolder();
        using var scope = NewDisposeScope();
        var path = folder.File("conv.safetensors");
        using (var conv = nn.Sequential(nn.Conv2d(1, 4, 3))) conv.SaveSafeTensors(path);

        using var wider = nn.Sequential(nn.Conv2d(1, 8, 3));
        var before = wider.state_dict()["0.weight"].clone();
        var shape = Assert.Throws<ArgumentException>(() => wider.LoadSafeTensors(path));
        Assert.Contains(path, shape.Message);
        Assert.Contains("'0.weight' has shape [4, 1, 3, 3] but the module's is [8, 1, 3, 3]", shape.Message);
        Assert.True(wider.state_dict()["0.weight"].Identical(before));

        using var bigger = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4));
        var keys = Assert.Throws<ArgumentException>(() => bigger.LoadSafeTensors(path));
        Assert.Contains("missing keys: 1.weight", keys.Message);
        bigger.LoadSafeTensors(path, strict: false);
    }

    [Fact]
    public void Load_ToCuda_WhenAvailable()
    {
        if (!cuda.is_available()) return; // CPU-only machine: nothing to check
        using var scope = NewDisposeScope();
        using var memory = new MemoryStream();
        SafeTensors.Save(memory, new Dictionary<string, Tensor> { ["x"] = arange(4.0) });
        memory.Position = 0;
        var loaded = SafeTensors.Load(memory, device: new Device(DeviceType.CUDA, 0));
        Assert.Equal(DeviceType.CUDA, loaded["x"].device_type);
        Assert.Equal(new long[] { 0, 1, 2, 3 }, loaded["x"].data<long>());
    }

    /// <summary>A stream that can only be read forwards (a pipe or network stream).</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 3));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
