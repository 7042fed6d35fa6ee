using TorchSharp;
using System.Text;
using ML.Generative.Serialization;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Serialization;

/// <summary>Files whose every byte is spelled out here from the format description, so the reader is checked
/// against the format itself rather than against our own writer.</summary>
public class SafeTensorsHandWrittenFileTests
{
    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    // Header of 311 characters + 1 space of padding = 312 = 0x138 bytes.
    private const string MixedHeader =
        "{\"__metadata__\":{\"source\":\"hand\"}," +
        "\"x\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]}," +
        "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[8,12]}," +
        "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[12,16]}," +
        "\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[16,19]}," +
        "\"e\":{\"dtype\":\"I32\",\"shape\":[0,4],\"data_offsets\":[19,19]}}";

    private static readonly byte[] MixedFile = Concat(
        new byte[] { 0x38, 0x01, 0, 0, 0, 0, 0, 0 },     // u64 LE 312
        Ascii(MixedHeader), Ascii(" "),                  // JSON + 1 space to 8-byte alignment
        new byte[] { 0, 0, 0, 0, 0, 0, 0x0A, 0x40 },     // x: F64 3.25
        new byte[] { 0x00, 0x3E, 0x00, 0xB4 },           // h: F16 1.5, -0.25
        new byte[] { 0x80, 0x3F, 0x00, 0xC0 },           // b: BF16 1.0, -2.0
        new byte[] { 1, 0, 1 });                         // m: BOOL true, false, true; e: no bytes

    [Fact]
    public void ByteByByteFile_ReadsBackEqual()
    {
        Assert.Equal(311, MixedHeader.Length);
        Assert.Equal(8 + 312 + 19, MixedFile.Length);
        using var scope = NewDisposeScope();
        using var stream = new MemoryStream(MixedFile);

        var tensors = SafeTensors.Load(stream);

        Assert.Equal(new[] { "x", "h", "b", "m", "e" }, tensors.Keys);
        Assert.Equal(ScalarType.Float64, tensors["x"].dtype);
        Assert.Empty(tensors["x"].shape);
        Assert.Equal(3.25, tensors["x"].ToDouble());
        Assert.Equal(ScalarType.Float16, tensors["h"].dtype);
        Assert.Equal(new[] { 1.5f, -0.25f }, tensors["h"].ToFloats());
        Assert.Equal(ScalarType.BFloat16, tensors["b"].dtype);
        Assert.Equal(new long[] { 1, 2 }, tensors["b"].shape);
        Assert.Equal(new[] { 1f, -2f }, tensors["b"].ToFloats());
        Assert.Equal(new[] { true, false, true }, tensors["m"].data<bool>());
        Assert.Equal(ScalarType.Int32, tensors["e"].dtype);
        Assert.Equal(new long[] { 0, 4 }, tensors["e"].shape);
        Assert.Equal("hand", SafeTensorsFile.Read(MixedFile).Metadata["source"]);
    }

    // What Hugging Face's safetensors.torch.save_file writes for
    //   {"weight": torch.tensor([[1., 2.], [3., 4.]]), "bias": torch.tensor([0.5, -1.])}, metadata={"format": "pt"}:
    // compact JSON, "__metadata__" first, tensors of one dtype sorted by name, header space-padded to a multiple
    // of 8. The Python package is not installed on this machine, so the bytes are written out by hand.
    private const string PyTorchHeader =
        "{\"__metadata__\":{\"format\":\"pt\"}," +
        "\"bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," +
        "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}";

    private static readonly byte[] PyTorchFile = Concat(
        new byte[] { 0x98, 0, 0, 0, 0, 0, 0, 0 },            // u64 LE 152 = 149 + 3 spaces
        Ascii(PyTorchHeader), Ascii("   "),
        new byte[] { 0, 0, 0, 0x3F, 0, 0, 0x80, 0xBF },      // bias: 0.5, -1
        new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40,        // weight: 1, 2,
                     0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40 });  //         3, 4

    [Fact]
    public void PyTorchStyleFile_ReadsBack_AndOurWriterProducesTheSameBytes()
    {
        Assert.Equal(149, PyTorchHeader.Length);
        using var scope = NewDisposeScope();
        using var stream = new MemoryStream(PyTorchFile);
        var tensors = SafeTensors.Load(stream);

        Assert.Equal(new[] { 0.5f, -1f }, tensors["bias"].ToFloats());
        Assert.Equal(new long[] { 2, 2 }, tensors["weight"].shape);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, tensors["weight"].ToFloats());

        using var written = new MemoryStream();
        SafeTensors.Save(written, new Dictionary<string, Tensor> { ["weight"] = tensors["weight"], ["bias"] = tensors["bias"] },
            new Dictionary<string, string> { ["format"] = "pt" });
        Assert.Equal(PyTorchFile, written.ToArray());
    }

    [Fact]
    public void HeaderWithoutPadding_WhitespaceAndAnyKeyOrder_IsAccepted()
    {
        // Padding is what writers should do, not what readers may demand; JSON whitespace is JSON.
        var header = "{ \"b\" : {\"data_offsets\":[1,2], \"shape\":[1], \"dtype\":\"U8\"},\n \"a\":{\"shape\":[1],\"dtype\":\"U8\",\"data_offsets\":[0,1]} }";
        var file = Concat(BitConverter.GetBytes((ulong)header.Length), Ascii(header), new byte[] { 7, 9 });
        var read = SafeTensorsFile.Read(file);
        Assert.Equal(new[] { "a", "b" }, read.Tensors.Select(t => t.Name));
        Assert.Equal(new byte[] { 9 }, read["b"].Data.ToArray());
    }
}
