using ML.Generative.Fid.Inception;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Fid.Features;

/// <summary>pytorch-fid's Inception-v3 as a <see cref="FidFeatures"/>: one output block, the network readied for inference
/// (batch-norms folded, channels-last on the CPU; see <see cref="FidInceptionV3.PrepareForInference"/>).</summary>
internal sealed class InceptionFeatures : FidFeatures
{
    private readonly FidInceptionV3 network = new();
    private readonly int block;
    private readonly Device device;

    public InceptionFeatures(IReadOnlyDictionary<string, Tensor> weights, int block, FeatureNetworkInfo info, Device? device, bool? channelsLast) : base(info)
    {
        this.block = block;
        this.device = device ?? CPU;
        network.LoadWeights(weights);
        if (this.device.type != DeviceType.CPU) network.to(this.device);
        // oneDNN runs Inception about twice as fast channels-last on the CPU (benchmarks/README.md).
        network.PrepareForInference(channelsLast ?? this.device.type == DeviceType.CPU);
    }

    public override bool ProvidesLogits => true;

    public override int InputChannels => 3;

    private protected override (Tensor Features, Tensor? Logits) ExtractBatch(Tensor batch, bool logits)
    {
        var (blocks, l) = network.Forward(batch.to(device), new[] { block }, logits);
        return (blocks[0], l);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) network.Dispose();
    }
}
