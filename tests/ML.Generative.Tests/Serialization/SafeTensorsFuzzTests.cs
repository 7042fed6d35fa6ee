using System.Buffers.Binary;
using System.Diagnostics;
using ML.Generative.Serialization;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Serialization;

/// <summary>Mutations of a valid file: every outcome must be a successful read or our documented exception —
/// never another exception type, a crash in libtorch, or a hang.</summary>
public class SafeTensorsFuzzTests
{
    private const int Mutations = 4000;
    private const string JsonCharacters = "{}[]\":,-0123456789 eE.\\";

    private static byte[] ValidFile()
    {
        var entries = new[]
        {
            new SafeTensorsEntry("conv.weight", ScalarType.Float32, new long[] { 2, 1, 2, 2 }, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
            new SafeTensorsEntry("bn.num_batches_tracked", ScalarType.Int64, new long[0], new byte[] { 3, 0, 0, 0, 0, 0, 0, 0 }),
            new SafeTensorsEntry("half", ScalarType.Float16, new long[] { 3 }, new byte[] { 0, 0x3C, 0, 0xC0, 0xFF, 0x7B }),
            new SafeTensorsEntry("mask", ScalarType.Bool, new long[] { 4 }, new byte[] { 1, 0, 0, 1 }),
            new SafeTensorsEntry("empty", ScalarType.Int8, new long[] { 0, 3 }, Array.Empty<byte>()),
        };
        return new SafeTensorsFile(entries, new Dictionary<string, string> { ["format"] = "pt" }).ToArray();
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var file = (byte[])valid.Clone();
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        switch (random.Next(7))
        {
            case 0: // flip bits anywhere
                for (var n = random.Next(1, 5); n > 0; n--) file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
                return file;
            case 1: // replace header bytes with JSON-significant characters
                for (var n = random.Next(1, 4); n > 0; n--) file[random.Next(8, headerEnd)] = (byte)JsonCharacters[random.Next(JsonCharacters.Length)];
                return file;
            case 2: // change one digit of the header (offsets, shapes)
                var digits = Enumerable.Range(8, headerEnd - 8).Where(i => file[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                file[digits[random.Next(digits.Length)]] = (byte)('0' + random.Next(10));
                return file;
            case 3: // truncate
                return file[..random.Next(file.Length)];
            case 4: // edit the header length: a little, or to anything
                var length = BinaryPrimitives.ReadUInt64LittleEndian(file);
                var edited = random.Next(2) == 0 ? length + (ulong)random.Next(-16, 17) : (ulong)random.NextInt64() * (ulong)random.Next(1, 4);
                BinaryPrimitives.WriteUInt64LittleEndian(file, edited);
                return file;
            case 5: // append bytes
                return file.Concat(Enumerable.Range(0, random.Next(1, 20)).Select(_ => (byte)random.Next(256))).ToArray();
            default: // delete or duplicate a span of the header
                var at = random.Next(8, headerEnd);
                var count = random.Next(1, Math.Min(12, headerEnd - at) + 1);
                var list = file.ToList();
                if (random.Next(2) == 0) list.RemoveRange(at, count);
                else list.InsertRange(at, file.Skip(at).Take(count));
                return list.ToArray();
        }
    }

    [Fact]
    public void Mutations_EitherReadOrThrowTheDocumentedException()
    {
        var valid = ValidFile();
        var random = new Random(20240611);
        int accepted = 0, rejected = 0;
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        for (var i = 0; i < Mutations; i++)
        {
            var file = Mutate(valid, random);
            try
            {
                var read = SafeTensorsFile.Read(file, "fuzz.safetensors");
                // What the reader accepts must be safe to hand to libtorch and to write back.
                foreach (var entry in read.Tensors) SafeTensors.ToTensor(entry).Dispose();
                Assert.Equal(read.Tensors.Count, SafeTensorsFile.Read(read.ToArray()).Tensors.Count);
                accepted++;
            }
            catch (SafeTensorsFormatException e)
            {
                Assert.Contains("'fuzz.safetensors'", e.Message);
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} threw {e.GetType().Name}: {e.Message}\nfile: {Convert.ToHexString(file)}");
            }
            // The stream path must agree with the span path.
            var viaStream = Record.Exception(() => SafeTensorsFile.Read(new MemoryStream(file), "fuzz.safetensors"));
            Assert.True(viaStream is null or SafeTensorsFormatException, $"mutation {i}: stream read threw {viaStream?.GetType().Name}");
        }
        Assert.True(accepted > 0 && rejected > Mutations / 2, $"accepted {accepted}, rejected {rejected}");
        // A generous bound that still catches a hang or a quadratic blow-up.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }
}
