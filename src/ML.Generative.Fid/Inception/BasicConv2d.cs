using ML.Generative.Torch;
using ML.Generative.Torch.Modules;
using static ML.Generative.Torch.torch;

namespace ML.Generative.Fid.Inception;

/// <summary>Inception's unit: convolution without bias → batch-norm (eps 0.001, TensorFlow's value) → ReLU.
/// Keys <c>conv.weight</c>, <c>bn.*</c> as in torchvision.</summary>
internal sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm bn;

    public BasicConv2d(long inChannels, long outChannels, (long, long) kernel, (long, long)? stride = null, (long, long)? padding = null)
        : base("BasicConv2d")
    {
        conv = new Conv2d(inChannels, outChannels, kernel, stride, padding, hasBias: false);
        bn = nn.BatchNorm2d(outChannels, eps: 0.001);
        RegisterComponents();
    }

    public BasicConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding)) { }

    public override Tensor forward(Tensor x)
    {
        using var c = conv.forward(x);
        var y = bn.forward(c);
        return y.relu_();
    }
}
