using System.Security.Cryptography;
using ML.Generative.Fid.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Fid;

/// <summary>
/// A feature extractor for FID/KID/precision-recall: images <c>[B, C, H, W]</c> in [0, 1] → features <c>[B, dim]</c>
/// (float32, on the CPU), extracted in batches of <see cref="BatchSize"/> in inference mode. Made by
/// <see cref="Inception(string, int, Device?, bool?)"/> (pytorch-fid's network, from its weight file),
/// <see cref="FashionMnist"/> (the domain network shipped with this library) or <see cref="Domain(string, Device?)"/>.
/// </summary>
public abstract class FidFeatures : IDisposable
{
    /// <summary>Sets the network's identity.</summary>
    private protected FidFeatures(FeatureNetworkInfo network)
    {
        ML.Generative.Runtime.TorchRuntime.EnsureInitialized();
        Network = network;
    }

    /// <summary>Name, dimension and weights hash; every result carries it.</summary>
    public FeatureNetworkInfo Network { get; }

    /// <summary>The network's name.</summary>
    public string Name => Network.Name;

    /// <summary>The feature dimension.</summary>
    public int Dimension => Network.Dimension;

    /// <summary>Hex SHA-256 of the weights file.</summary>
    public string ContentHash => Network.Sha256;

    /// <summary>Images per forward pass (default 50, pytorch-fid's); bounds memory, does not change the features.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Whether <see cref="ExtractWithLogits"/> gives class logits (needed for the Inception Score).</summary>
    public virtual bool ProvidesLogits => false;

    /// <summary>The channel count the network reads (1 or 3); other counts are converted.</summary>
    public abstract int InputChannels { get; }

    /// <summary>Features of <paramref name="images"/> <c>[B, C, H, W]</c> in [0, 1] (C = 1 or 3): <c>[B, dim]</c>, float32, CPU.</summary>
    public Tensor Extract(Tensor images) => Run(images, logits: false).Features;

    /// <summary>Features and class logits (<c>[B, classes]</c>) of <paramref name="images"/>.</summary>
    /// <exception cref="NotSupportedException">The network has no classifier head (<see cref="ProvidesLogits"/> is false).</exception>
    public (Tensor Features, Tensor Logits) ExtractWithLogits(Tensor images)
    {
        if (!ProvidesLogits) throw new NotSupportedException($"the feature network {Name} gives no class logits");
        var (f, l) = Run(images, logits: true);
        return (f, l!);
    }

    /// <summary>One batch, already checked: <c>[B, C, H, W]</c> float32 in [0, 1] with C = 1 or 3. Results may be on any device.</summary>
    private protected abstract (Tensor Features, Tensor? Logits) ExtractBatch(Tensor batch, bool logits);

    private (Tensor Features, Tensor? Logits) Run(Tensor images, bool logits)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Dimensions != 4 || images.shape[1] is not (1 or 3) || images.shape[0] == 0)
            throw new ArgumentException($"{Name} takes images [B, C, H, W] with B > 0 and C = 1 or 3, in [0, 1]; got ({string.Join(", ", images.shape)})", nameof(images));
        if (BatchSize < 1) throw new InvalidOperationException("BatchSize is at least 1");
        var features = new List<Tensor>();
        var logitList = new List<Tensor>();
        using (inference_mode())
        using (var scope = NewDisposeScope())
        {
            var x = images.dtype == ScalarType.Float32 ? images : images.to(ScalarType.Float32);
            for (long start = 0; start < x.shape[0]; start += BatchSize)
            {
                var (f, l) = ExtractBatch(x.narrow(0, start, Math.Min(BatchSize, x.shape[0] - start)), logits);
                features.Add(f.to(CPU));
                if (l is not null) logitList.Add(l.to(CPU));
            }
            var all = features.Count == 1 ? features[0].alias() : cat(features, 0);
            var allLogits = logits ? (logitList.Count == 1 ? logitList[0].alias() : cat(logitList, 0)) : null;
            all.MoveToOuterDisposeScope();
            allLogits?.MoveToOuterDisposeScope();
            return (all, allLogits);
        }
    }

    /// <summary>Frees the network.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the network's tensors.</summary>
    protected virtual void Dispose(bool disposing) { }

    /// <summary>
    /// pytorch-fid's Inception-v3 with weights from <paramref name="weightsPath"/>: a PyTorch checkpoint (legacy pickle
    /// format such as <c>pt_inception-2015-12-05-6726825d.pth</c>, or the zip format) or a <c>.safetensors</c> file.
    /// </summary>
    /// <param name="weightsPath">The weights file; its SHA-256 names the network in results.</param>
    /// <param name="dims">64, 192, 768 or 2048 (the FID features; other sizes are pytorch-fid's earlier blocks).</param>
    /// <param name="device">Where the network runs; the CPU by default.</param>
    /// <param name="channelsLast">Lay weights and inputs out channels-last (faster with oneDNN on the CPU); default: on for the CPU.</param>
    public static FidFeatures Inception(string weightsPath, int dims = 2048, Device? device = null, bool? channelsLast = null)
    {
        var block = Array.IndexOf(ML.Generative.Fid.Inception.FidInceptionV3.BlockDimensions, dims);
        if (block < 0) throw new ArgumentOutOfRangeException(nameof(dims), dims, "Inception features have 64, 192, 768 or 2048 dimensions");
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"Inception weights file not found: {weightsPath}", weightsPath);
        var hash = Sha256File(weightsPath);
        var weights = weightsPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? (IReadOnlyDictionary<string, Tensor>)ML.Generative.Serialization.SafeTensors.Load(weightsPath)
            : Checkpoints.TorchCheckpoint.Load(weightsPath).ToTensors();
        try
        {
            return new InceptionFeatures(weights, block, new FeatureNetworkInfo("inception-v3-fid", dims, hash), device, channelsLast);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>pytorch-fid's Inception-v3 with weights given as tensors (e.g. made in memory); <paramref name="sha256"/>
    /// names them in results.</summary>
    public static FidFeatures Inception(IReadOnlyDictionary<string, Tensor> weights, string sha256, int dims = 2048, Device? device = null, bool? channelsLast = null)
    {
        var block = Array.IndexOf(ML.Generative.Fid.Inception.FidInceptionV3.BlockDimensions, dims);
        if (block < 0) throw new ArgumentOutOfRangeException(nameof(dims), dims, "Inception features have 64, 192, 768 or 2048 dimensions");
        return new InceptionFeatures(weights, block, new FeatureNetworkInfo("inception-v3-fid", dims, sha256), device, channelsLast);
    }

    /// <summary>The Fashion-MNIST domain network shipped with this library (see the project README for its recipe,
    /// accuracy and hash): 128-d features of 28x28 grayscale images. Not comparable with Inception FID.</summary>
    public static FidFeatures FashionMnist(Device? device = null)
    {
        using var stream = typeof(FidFeatures).Assembly.GetManifestResourceStream(DomainFeatures.ResourceName)
            ?? throw new InvalidOperationException("the Fashion-MNIST feature network is not embedded in this build of ML.Generative.Fid");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return DomainFeatures.Load(copy.ToArray(), "fashion-mnist-cnn", device);
    }

    /// <summary>A <see cref="DomainFeatureNetwork"/> saved as safetensors (e.g. by <c>mlgen fid train-features</c>).</summary>
    public static FidFeatures Domain(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"domain feature network not found: {path}", path);
        return DomainFeatures.Load(File.ReadAllBytes(path), "domain-cnn:" + Path.GetFileNameWithoutExtension(path), device);
    }

    /// <summary>Lower-case hex SHA-256 of a file's bytes.</summary>
    public static string Sha256File(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
