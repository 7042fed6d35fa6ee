using TorchSharp;
using ML.Generative.Serialization;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Fid.Features;

/// <summary><see cref="DomainFeatureNetwork"/> as a <see cref="FidFeatures"/>: RGB is turned to luma and other sizes are
/// resized (bilinear) to 28x28, because the network was trained on 28x28 gray images.</summary>
internal sealed class DomainFeatures : FidFeatures
{
    /// <summary>The manifest name of the shipped Fashion-MNIST network.</summary>
    internal const string ResourceName = "ML.Generative.Fid.Features.fashion-mnist-features.safetensors";

    private readonly DomainFeatureNetwork network;
    private readonly Device device;

    private DomainFeatures(DomainFeatureNetwork network, FeatureNetworkInfo info, Device device) : base(info) =>
        (this.network, this.device) = (network, device);

    public override bool ProvidesLogits => true;

    public override int InputChannels => 1;

    internal static DomainFeatures Load(byte[] safetensors, string name, Device? device)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(safetensors));
        var weights = SafeTensors.Load(new MemoryStream(safetensors), name);
        var network = new DomainFeatureNetwork();
        try
        {
            var own = network.state_dict();
            var missing = own.Keys.Where(k => !weights.ContainsKey(k)).ToList();
            var unexpected = weights.Keys.Where(k => !own.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException($"{name}: not a domain feature network (missing: {string.Join(", ", missing)}; unexpected: {string.Join(", ", unexpected)})");
            ML.Generative.Serialization.StateDicts.LoadInto(network, weights);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        network.eval();
        var d = device ?? CPU;
        if (d.type != DeviceType.CPU) network.to(d);
        return new DomainFeatures(network, new FeatureNetworkInfo(name, DomainFeatureNetwork.FeatureDimension, hash), d);
    }

    private protected override (Tensor Features, Tensor? Logits) ExtractBatch(Tensor batch, bool logits)
    {
        var x = batch.to(device);
        // BT.601 luma, the weights the image loader uses for gray.
        if (x.shape[1] == 3) x = x.narrow(1, 0, 1) * 0.299 + x.narrow(1, 1, 1) * 0.587 + x.narrow(1, 2, 1) * 0.114;
        if (x.shape[2] != 28 || x.shape[3] != 28)
            x = F.interpolate(x, new long[] { 28, 28 }, mode: InterpolationMode.Bilinear, align_corners: false);
        var f = network.Features(x);
        return (f, logits ? network.Classify(f) : null);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) network.Dispose();
    }
}
