using TorchSharp;
using ML.Generative.Serialization;
using static ML.Generative.Tests.Serialization.SafeTensorsTestFiles;
using static TorchSharp.torch;

namespace ML.Generative.Tests.Serialization;

/// <summary>A save either replaces the file completely or leaves the old one as it was, with no temporary
/// file behind. (The tests run as root here, where read-only folders do not stop writes, so failures are
/// injected instead.)</summary>
public class AtomicWriteTests
{
    private static readonly byte[] OldContent = "previous model"u8.ToArray();

    [Fact]
    public void SuccessfulSave_ReplacesTheFile_AndLeavesNothingElse()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var path = folder.File("model.safetensors");
        File.WriteAllBytes(path, OldContent);

        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = ones(3) });

        Assert.Equal(new[] { "model.safetensors" }, folder.Names());
        Assert.Equal(new float[] { 1, 1, 1 }, SafeTensors.Load(path)["w"].ToFloats());
    }

    [Fact]
    public void WriteThatThrowsMidway_KeepsTheOldFile_AndRemovesTheTemporary()
    {
        using var folder = new TempFolder();
        var path = folder.File("model.safetensors");
        File.WriteAllBytes(path, OldContent);

        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[4096]);
            throw new IOException("disk full (simulated)");
        }));

        Assert.Equal("disk full (simulated)", e.Message);
        Assert.Equal(OldContent, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.safetensors" }, folder.Names());
    }

    [Fact]
    public void SaveOfAnUnusableTensor_KeepsTheOldFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("model.safetensors");
        File.WriteAllBytes(path, OldContent);
        var disposed = ones(2);
        disposed.Dispose();

        Assert.ThrowsAny<InvalidOperationException>(() => SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = disposed }));

        Assert.Equal(OldContent, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.safetensors" }, folder.Names());
    }

    [Fact]
    public void TargetThatCannotBeReplaced_FailsCleanly()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var target = folder.File("model.safetensors");
        Directory.CreateDirectory(target); // a folder where the file should go: the final rename fails

        Assert.ThrowsAny<IOException>(() => SafeTensors.Save(target, new Dictionary<string, Tensor> { ["w"] = ones(2) }));

        Assert.True(Directory.Exists(target));
        Assert.Equal(new[] { "model.safetensors" }, folder.Names());
    }

    [Fact]
    public void MissingFolder_FailsWithoutCreatingAnything()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "no-such-folder", "model.safetensors");
        Assert.Throws<DirectoryNotFoundException>(() => new SafeTensorsFile(Array.Empty<SafeTensorsEntry>()).Save(path));
        Assert.Empty(folder.Names());
    }

    [Fact]
    public void ModuleSave_IsAtomicToo()
    {
        using var folder = new TempFolder();
        var path = folder.File("module.safetensors");
        File.WriteAllBytes(path, OldContent);
        using var module = new WithAComplexBuffer(); // safetensors has no complex type, so writing fails midway

        Assert.ThrowsAny<ArgumentException>(() => module.SaveSafeTensors(path));
        Assert.Equal(OldContent, File.ReadAllBytes(path));
        Assert.Equal(new[] { "module.safetensors" }, folder.Names());
    }

    /// <summary>A module with a weight safetensors can store and a buffer it cannot. (A disposed buffer would not
    /// do: TorchSharp's state_dict silently leaves disposed tensors out.)</summary>
    private sealed class WithAComplexBuffer : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear linear = nn.Linear(2, 2);
        private readonly Tensor phase = zeros(2, ScalarType.ComplexFloat32);

        public WithAComplexBuffer() : base(nameof(WithAComplexBuffer)) => RegisterComponents();

        public override Tensor forward(Tensor input) => input;
    }
}
