using TorchSharp;
using ML.Generative.Serialization;
using static ML.Generative.Tests.Serialization.SafeTensorsTestFiles;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Serialization;

/// <summary>Each way a file can break the format gives <see cref="SafeTensorsFormatException"/> naming the file,
/// the tensor at fault and what was wrong.</summary>
public class SafeTensorsMalformedFileTests
{
    private const string Valid = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[8,10]}}";

    private static SafeTensorsFormatException ReadFails(byte[] file, string? tensor, string fragment)
    {
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(file, "model.safetensors"));
        Assert.Contains("'model.safetensors'", e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.Equal(tensor, e.TensorName);
        if (tensor is not null) Assert.Contains($"tensor '{tensor}'", e.Message);
        // The stream reader applies the same rules.
        var s = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Read(new MemoryStream(file), "model.safetensors"));
        Assert.Equal(e.Message, s.Message);
        return e;
    }

    private static byte[] Header(string header, int dataBytes) => Assemble(header, new byte[dataBytes]);

    [Fact]
    public void ValidBaseline_Reads() => Assert.Equal(2, SafeTensorsFile.Read(Header(Valid, 10)).Tensors.Count);

    [Fact]
    public void TruncatedHeaderLength() => ReadFails(new byte[] { 16, 0, 0, 0, 0 }, null, "truncated header");

    [Fact]
    public void EmptyFile() => ReadFails(Array.Empty<byte>(), null, "the file has 0 bytes");

    [Fact]
    public void TruncatedHeader_LengthLargerThanFile()
    {
        var file = Header(Valid, 10);
        ReadFails(file[..40], null, "is larger than the 32 bytes after the length field");
    }

    [Fact]
    public void HeaderLengthLargerThanFile() => ReadFails(Assemble(Valid, new byte[10], headerLengthOverride: 5000), null, "header length 5000 bytes is larger");

    [Fact]
    public void HeaderTooLarge() =>
        ReadFails(Assemble(Valid, new byte[10], headerLengthOverride: 200UL * 1024 * 1024), null, "exceeds the limit of 104857600 bytes");

    [Fact]
    public void HeaderLengthNearUInt64Max() => ReadFails(Assemble(Valid, new byte[10], headerLengthOverride: ulong.MaxValue - 3), null, "exceeds the limit");

    [Fact]
    public void TruncatedData()
    {
        var file = Header(Valid, 10);
        var e = ReadFails(file[..^1], "b", "reach past the data section of 9 bytes (truncated file?)");
        Assert.Contains("data_offsets [8, 10]", e.Message);
    }

    [Theory]
    [InlineData("{\"a\":", "not valid JSON")]
    [InlineData("{\"a\":{}} trailing", "not valid JSON")]
    [InlineData("{'a':1}", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object, not an array")]
    [InlineData("\"text\"", "must be a JSON object, not a string")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{}}}}}}}}}", "not valid JSON")]
    public void InvalidJson(string header, string fragment) => ReadFails(Header(header, 0), null, fragment);

    [Fact]
    public void InvalidUtf8InHeader()
    {
        var file = Header("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0);
        file[10] = 0xC3; // the name "a" becomes a lone UTF-8 lead byte followed by a quote
        ReadFails(file, null, "the header is not valid UTF-8");
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2, "unknown dtype 'F8_E4M3'")]
    [InlineData("{\"w\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unknown dtype 'f32'")]
    [InlineData("{\"w\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "dtype must be a string, not a number")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8, "reach past the data section of 8 bytes")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "data_offsets [8, 0] begin after they end")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "shape[0] must be a non-negative 64-bit integer, not -2")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8, "shape[0] must be a non-negative 64-bit integer, not 2.0")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8, "not \"2\"")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]}}", 8, "more bytes than a 64-bit size can count")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551615]}}", 8, "data_offsets[1] must be a non-negative 64-bit integer")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", 8, "must hold 2 numbers")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8, "shape must be an array")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "the shape field is missing")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", 8, "unknown field 'extra'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "'dtype' appears more than once")]
    [InlineData("{\"w\":[1,2]}", 0, "must be an object with dtype, shape and data_offsets, not an array")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,8]}}", 8, "the key appears more than once")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", 8, "bytes [4, 8) overlap tensor 'a' at [0, 8)")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", 8, "bytes [2, 4) of the data section belong to no tensor")]
    [InlineData("{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", 8, "bytes [0, 4) of the data section belong to no tensor")]
    public void BadTensorEntry(string header, int dataBytes, string fragment) => ReadFails(Header(header, dataBytes), "w", fragment);

    [Fact]
    public void TrailingBytesAfterLastTensor() =>
        ReadFails(Header("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 5), null, "the last 3 bytes of the data section belong to no tensor");

    [Fact]
    public void DataWithoutTensors() => ReadFails(Header("{}", 4), null, "the last 4 bytes");

    [Theory]
    [InlineData("{\"__metadata__\":[\"x\"]}", "\"__metadata__\" must be an object of strings, not an array")]
    [InlineData("{\"__metadata__\":{\"epoch\":3}}", "value of 'epoch' must be a string, not a number")]
    [InlineData("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", "has the key 'k' more than once")]
    public void BadMetadata(string header, string fragment) => ReadFails(Header(header, 0), null, fragment);

    [Fact]
    public void DuplicateMetadataKey_IsADuplicateKey() =>
        ReadFails(Header("{\"__metadata__\":{},\"__metadata__\":{}}", 0), "__metadata__", "the key appears more than once");

    [Fact]
    public void BoolOtherThanZeroOrOne()
    {
        var file = Assemble("{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}", new byte[] { 1, 2, 0 });
        ReadFails(file, "m", "BOOL element 1 is 2, not 0 or 1");
    }

    [Fact]
    public void LoadingFromAPath_NamesThePathAndTheTensor()
    {
        using var folder = new TempFolder();
        var path = folder.File("broken.safetensors");
        // The first tensor is fine; the second fails only once its bytes are read.
        File.WriteAllBytes(path, Assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"m\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[4,5]}}",
            new byte[] { 0, 0, 0x80, 0x3F, 9 }));

        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(path));
        Assert.Equal(path, e.FileName);
        Assert.StartsWith($"invalid safetensors file '{path}': tensor 'm': ", e.Message);
        Assert.IsAssignableFrom<IOException>(e);
        // The header alone is valid: reading only the metadata succeeds.
        Assert.Empty(SafeTensors.ReadMetadata(path));
    }

    [Fact]
    public void ModuleLoad_OfAMalformedFile_GivesTheFormatError()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.safetensors");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        using var module = nn.Sequential(nn.Linear(2, 2));
        Assert.Throws<SafeTensorsFormatException>(() => module.LoadSafeTensors(path));
    }
}
