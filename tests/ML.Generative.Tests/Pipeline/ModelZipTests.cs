using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Pipeline;
using ML.Generative.Tests.Data;
using TorchSharp;

namespace ML.Generative.Tests.Pipeline;

public class ModelZipTests
{
    private readonly GenerativeContext ctx = new(seed: 2);
    private static readonly string Golden = Path.Combine(AppContext.BaseDirectory, "Pipeline", "Golden", "model-format-v1.zip");

    public sealed class ColorRow
    {
        [ImageType(8, 8, 3)] public ImageData Image { get; set; } = null!;
    }

    private static ImageData Gradient(int seed) =>
        new(8, 8, 3, Enumerable.Range(0, 192).Select(i => (byte)((i * 7 + seed * 31) % 256)).ToArray());

    private (IDataView Data, TransformerChain<NormalizePixelsTransformer> Model) FitPipeline(IDataView data)
    {
        var pipeline = ctx.Transforms.ResizeImages("Image", 5, 6)
            .Append(ctx.Transforms.RandomHorizontalFlip("Image", seed: 1))
            .Append(ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.MeanStd));
        return (data, pipeline.Fit(data));
    }

    private static List<float[]> Pixels(IDataView view) => DataTestKit.Column<float[]>(view, "Pixels");

    [Fact]
    public void SaveThenLoad_GivesTheSameStagesSchemaAndOutputs()
    {
        var data = ctx.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new ColorRow { Image = Gradient(i) }).ToList());
        var (_, model) = FitPipeline(data);
        var path = Path.Combine(DataTestKit.TempDir(), "m.zip");
        ctx.Model.Save(model, data.Schema, path);
        var loaded = ctx.Model.Load(path, out var schema);
        Assert.Equal(data.Schema.Select(c => (c.Name, c.Type)), schema.Select(c => (c.Name, c.Type)));
        Assert.Equal(3, loaded.Count);
        var norm = Assert.IsType<NormalizePixelsTransformer>(loaded.LastTransformer);
        Assert.Equal(model.LastTransformer!.Settings.Mean, norm.Settings.Mean);
        Assert.Equal(Pixels(model.Transform(data)), Pixels(loaded.Transform(data)));
        // Saving is deterministic: the same model gives the same bytes.
        var again = Path.Combine(DataTestKit.TempDir(), "m.zip");
        ctx.Model.Save(loaded, schema, again);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Fact]
    public void AModelSavedHere_GivesBitIdenticalOutputsInAnotherProcess()
    {
        var dir = DataTestKit.TempDir();
        var images = Directory.CreateDirectory(Path.Combine(dir, "images")).FullName;
        for (var i = 0; i < 6; i++) File.WriteAllBytes(Path.Combine(images, $"{i}.png"), ImageCodec.EncodePng(Gradient(i)));
        var data = ctx.Data.LoadImagesFromFolder(images, labelsFromFolders: false, colorMode: ImageColorMode.Rgb);
        var (_, model) = FitPipeline(data);
        var zip = Path.Combine(dir, "model.zip");
        ctx.Model.Save(model, data.Schema, zip);
        var expected = Pixels(model.Transform(data)).SelectMany(v => v).SelectMany(BitConverter.GetBytes).ToArray();

        var output = Path.Combine(dir, "out.bin");
        var runner = AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}ML.Generative.Tests{Path.DirectorySeparatorChar}bin",
            $"{Path.DirectorySeparatorChar}ML.Generative.ModelRunner{Path.DirectorySeparatorChar}bin");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { Path.Combine(runner, "ML.Generative.ModelRunner.dll"), "run", zip, images, "Pixels", output }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"the second process failed: {stderr}");
        Assert.Equal(6 * 3 * 5 * 6 * 4, expected.Length);
        Assert.Equal(expected, File.ReadAllBytes(output));
    }

    [Fact]
    public void TheFormatV1GoldenFile_StillLoadsAndComputesTheSame()
    {
        var model = ctx.Model.Load(Golden, out var schema);
        Assert.Equal(new ImageDataViewType(8, 8, 3), schema["Image"].Type);
        Assert.Equal(new[] { "ResizeImages", "ConvertToGrayscale", "NormalizePixels", "RandomHorizontalFlip" },
            model.Select(t => t switch
            {
                ImageResizingTransformer => "ResizeImages", ImageGrayscalingTransformer => "ConvertToGrayscale",
                NormalizePixelsTransformer => "NormalizePixels", RandomHorizontalFlipTransformer => "RandomHorizontalFlip", _ => "?",
            }));
        // A uniform image of 102 (0.4) → gray 0.4 → (0.4 − 0.5) / 0.25 = −0.4 at every pixel.
        var data = ctx.Data.LoadFromEnumerable(new[] { new ColorRow { Image = new ImageData(8, 8, 3, Enumerable.Repeat((byte)102, 192).ToArray()) } });
        var v = Pixels(model.Transform(data)).Single();
        Assert.Equal(16, v.Length);
        Assert.All(v, x => Assert.Equal(-0.4f, x, 5));
    }

    private sealed class FailingStage : ITransformer
    {
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IDataView Transform(IDataView input) => input;
        public void Save(ModelSaveContext context) => throw new IOException("disk on fire");
    }

    private sealed class UnregisteredStage : ITransformer
    {
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IDataView Transform(IDataView input) => input;
        public void Save(ModelSaveContext context) => context.SetKind("NotARealKind");
    }

    [Fact]
    public void AFailedSave_LeavesTheOldFileAndNoTempFile()
    {
        var dir = DataTestKit.TempDir();
        var path = Path.Combine(dir, "model.zip");
        File.Copy(Golden, path);
        var before = File.ReadAllBytes(path);
        var schema = DataViewSchema.Create(("Image", new ImageDataViewType(8, 8, 3)));
        Assert.Throws<IOException>(() => ctx.Model.Save(new TransformerChain<ITransformer>(new ITransformer[] { new FailingStage() }), schema, path));
        var e = Assert.Throws<InvalidOperationException>(() => ctx.Model.Save(new UnregisteredStage(), schema, path));
        Assert.Contains("NotARealKind", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.zip" }, Directory.GetFiles(dir).Select(Path.GetFileName));
        // A folder that does not exist: the write fails before anything is created.
        var golden = ctx.Model.Load(Golden, out var goldenSchema);
        Assert.ThrowsAny<IOException>(() => ctx.Model.Save(golden, goldenSchema, Path.Combine(dir, "missing", "m.zip")));
    }

    /// <summary>The golden zip rebuilt with its manifest changed by <paramref name="edit"/> and extra entries added.</summary>
    private static byte[] Edited(Action<JsonObject> edit, params (string Path, byte[] Data)[] extra)
    {
        using var source = ZipFile.OpenRead(Golden);
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var r = entry.Open();
                using var buffer = new MemoryStream();
                r.CopyTo(buffer);
                var bytes = buffer.ToArray();
                if (entry.FullName == "manifest.json")
                {
                    var m = JsonNode.Parse(bytes)!.AsObject();
                    edit(m);
                    bytes = System.Text.Encoding.UTF8.GetBytes(m.ToJsonString());
                }
                using var w = zip.CreateEntry(entry.FullName).Open();
                w.Write(bytes);
            }
            foreach (var (p, d) in extra)
            {
                using var w = zip.CreateEntry(p).Open();
                w.Write(d);
            }
        }
        return ms.ToArray();
    }

    private InvalidDataException LoadFails(byte[] zip) => Assert.Throws<InvalidDataException>(() => ctx.Model.Load(new MemoryStream(zip), out _));

    [Fact]
    public void BadFiles_AreRejectedWithAClearMessage()
    {
        Assert.Contains("'Mystery'", LoadFails(Edited(m => m["stages"]![0]!["kind"] = "Mystery")).Message);
        var newer = LoadFails(Edited(m => { m["formatVersion"] = 3; m["minReaderVersion"] = 2; })).Message;
        Assert.Contains("upgrade", newer);
        Assert.Contains("version 3", newer);
        Assert.Contains("unsafe path", LoadFails(Edited(_ => { }, ("../evil.txt", new byte[1]))).Message);
        Assert.Contains("path", LoadFails(Edited(m => m["stages"]![2]!["entries"]![0]!["path"] = "/etc/passwd")).Message);
        Assert.Contains("SHA-256", LoadFails(Edited(m => m["stages"]![2]!["entries"]![0]!["sha256"] = new string('0', 64))).Message);
        Assert.Contains("limit", LoadFails(Edited(m => m["stages"]![2]!["entries"]![0]!["size"] = 1L << 40)).Message);
        Assert.Contains("options", LoadFails(Edited(m => m["stages"]![0]!["options"]!["height"] = "tall")).Message);
        var golden = File.ReadAllBytes(Golden);
        LoadFails(golden[..(golden.Length / 2)]);
        LoadFails(System.Text.Encoding.UTF8.GetBytes("PK not really a zip"));
        var missing = Path.Combine(DataTestKit.TempDir(), "none.zip");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => ctx.Model.Load(missing, out _)).Message);
    }

    [Fact]
    public void MutatedZips_EndInALoadedModelOrTheDocumentedException()
    {
        var golden = File.ReadAllBytes(Golden);
        var rand = new Random(12345);
        var watch = Stopwatch.StartNew();
        int loaded = 0, rejected = 0;
        for (var i = 0; i < 400; i++)
        {
            var bytes = (byte[])golden.Clone();
            switch (i % 4)
            {
                case 0: for (var k = 0; k < 1 + rand.Next(4); k++) bytes[rand.Next(bytes.Length)] = (byte)rand.Next(256); break;
                case 1: bytes = bytes[..rand.Next(bytes.Length)]; break;
                case 2: bytes[rand.Next(bytes.Length)] ^= (byte)(1 << rand.Next(8)); break;
                default:
                    var at = rand.Next(bytes.Length);
                    bytes = bytes[..at].Concat(Enumerable.Range(0, rand.Next(1, 64)).Select(_ => (byte)rand.Next(256))).Concat(bytes[at..]).ToArray();
                    break;
            }
            try
            {
                ctx.Model.Load(new MemoryStream(bytes), out _);
                loaded++;
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
        }
        Assert.Equal(400, loaded + rejected);
        Assert.True(rejected > 200, $"only {rejected} of 400 mutations were rejected");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"fuzzing took {watch.Elapsed}");
    }
}

public class ModelZipTensorTests
{
    /// <summary>A stage holding weights, as model stages will: saved as a safetensors entry.</summary>
    private sealed class WeightStage(torch.Tensor weight) : ITransformer
    {
        public const string Kind = "Tests.WeightStage";
        public torch.Tensor Weight { get; } = weight;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inputSchema;
        public IDataView Transform(IDataView input) => input;
        public void Save(ModelSaveContext context) =>
            context.SetKind(Kind).SetOptions(new { Note = "weights" }).AddTensors("weights", new Dictionary<string, torch.Tensor> { ["w"] = Weight });
        public static ITransformer Load(ModelLoadContext context) => new WeightStage(context.ReadTensors("weights")["w"]);
    }

    [Fact]
    public void TensorEntries_RoundTripBitExactly_ThroughSafetensors()
    {
        ModelComponentRegistry.Register(WeightStage.Kind, WeightStage.Load);
        var ctx = new GenerativeContext(seed: 1);
        using var w = torch.tensor(new float[] { 1.5f, -2.25f, float.Epsilon, 3e38f, 0f, -0f }, new long[] { 2, 3 });
        var path = Path.Combine(DataTestKit.TempDir(), "w.zip");
        var schema = DataViewSchema.Create(("X", NumberDataViewType.Single));
        ctx.Model.Save(new WeightStage(w), schema, path);
        var loaded = (WeightStage)ctx.Model.Load(path, out _).LastTransformer!;
        using var back = loaded.Weight;
        Assert.Equal(new long[] { 2, 3 }, back.shape);
        Assert.Equal(w.ToFloats().Select(BitConverter.SingleToInt32Bits), back.ToFloats().Select(BitConverter.SingleToInt32Bits));
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
        {
            // safetensors layout: 8-byte little-endian header length, then the JSON header.
            using var s = zip.GetEntry("stages/000/weights")!.Open();
            var head = new byte[9];
            s.ReadExactly(head);
            Assert.Equal((byte)'{', head[8]);
        }
    }
}
