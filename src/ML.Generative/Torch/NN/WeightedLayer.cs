namespace ML.Generative.Torch.Modules;

using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

/// <summary>
/// A layer with a <c>weight</c> and optional <c>bias</c> (Linear, Conv2d, ConvTranspose2d). Its weight can
/// be spectrally normalised (<see cref="torch.nn.utils.spectral_norm{T}"/>), which renames it to
/// <c>weight_orig</c> and adds the <c>weight_u</c>/<c>weight_v</c> buffers, as PyTorch does.
/// </summary>
public abstract class WeightedLayer : nn.Module<Tensor, Tensor>
{
    private SpectralNorm? spectralNorm;
    private Tensor? weightU;
    private Tensor? weightV;

    protected WeightedLayer(string name) : base(name) { }

    /// <summary>The learnable weight (<c>weight_orig</c> when spectrally normalised).</summary>
    public nn.Parameter weight { get; protected set; } = null!;

    public nn.Parameter? bias { get; protected set; }

    /// <summary>Registers weight and bias; called by subclasses once both exist.</summary>
    protected void RegisterWeightAndBias()
    {
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    /// <summary>The weight the forward pass uses: W, or W/σ(W) under spectral normalisation.</summary>
    protected Tensor EffectiveWeight() =>
        spectralNorm == null ? weight.alias() : spectralNorm.Compute(weight, weightU!, weightV!, training);

    internal void ApplySpectralNorm(int dim, int powerIterations, double eps)
    {
        if (spectralNorm != null) throw new InvalidOperationException($"{name} is already spectrally normalised");
        spectralNorm = new SpectralNorm(dim, powerIterations, eps);
        (weightU, weightV) = spectralNorm.InitialVectors(weight);
        remove_parameter("weight");
        // PyTorch's order: weight_orig replaces weight among the parameters; u and v are buffers.
        register_parameter("weight_orig", weight);
        register_buffer("weight_u", weightU);
        register_buffer("weight_v", weightV);
    }

    public bool IsSpectrallyNormalized => spectralNorm != null;
}

/// <summary>y = x Wᵀ + b.</summary>
public sealed class Linear : WeightedLayer
{
    public Linear(long inFeatures, long outFeatures, bool hasBias = true, Device? device = null, ScalarType? dtype = null) : base("Linear")
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentOutOfRangeException(nameof(inFeatures), "Linear needs at least one input and one output feature");
        in_features = inFeatures;
        out_features = outFeatures;
        weight = new nn.Parameter(empty(new[] { outFeatures, inFeatures }, dtype, device));
        bias = hasBias ? new nn.Parameter(empty(new[] { outFeatures }, dtype, device)) : null;
        nn.init.DefaultLayerInit(weight, bias);
        RegisterWeightAndBias();
    }

    public long in_features { get; }
    public long out_features { get; }

    public override Tensor forward(Tensor input)
    {
        using var w = EffectiveWeight();
        return nn.functional.linear(input, w, bias);
    }
}

/// <summary>2-D convolution over (N, C, H, W).</summary>
public sealed class Conv2d : WeightedLayer
{
    private readonly (long, long) stride, padding, dilation;
    private readonly long groups;

    public Conv2d(long inChannels, long outChannels, (long, long) kernelSize, (long, long)? stride = null,
        (long, long)? padding = null, (long, long)? dilation = null, long groups = 1, bool hasBias = true,
        Device? device = null, ScalarType? dtype = null) : base("Conv2d")
    {
        ConvChecks.Validate(inChannels, outChannels, kernelSize, groups);
        this.stride = stride ?? (1, 1);
        this.padding = padding ?? (0, 0);
        this.dilation = dilation ?? (1, 1);
        this.groups = groups;
        weight = new nn.Parameter(empty(new[] { outChannels, inChannels / groups, kernelSize.Item1, kernelSize.Item2 }, dtype, device));
        bias = hasBias ? new nn.Parameter(empty(new[] { outChannels }, dtype, device)) : null;
        nn.init.DefaultLayerInit(weight, bias);
        RegisterWeightAndBias();
    }

    // (N, C_in, H, W) -> (N, C_out, (H + 2p - d(k-1) - 1)/s + 1, ...)
    public override Tensor forward(Tensor input)
    {
        using var w = EffectiveWeight();
        return nn.functional.conv2d(input, w, bias, stride, padding, dilation, groups);
    }
}

/// <summary>2-D transposed convolution over (N, C, H, W).</summary>
public sealed class ConvTranspose2d : WeightedLayer
{
    private readonly (long, long) stride, padding, outputPadding, dilation;
    private readonly long groups;

    public ConvTranspose2d(long inChannels, long outChannels, (long, long) kernelSize, (long, long)? stride = null,
        (long, long)? padding = null, (long, long)? outputPadding = null, long groups = 1, bool hasBias = true,
        (long, long)? dilation = null, Device? device = null, ScalarType? dtype = null) : base("ConvTranspose2d")
    {
        ConvChecks.Validate(inChannels, outChannels, kernelSize, groups);
        this.stride = stride ?? (1, 1);
        this.padding = padding ?? (0, 0);
        this.outputPadding = outputPadding ?? (0, 0);
        this.dilation = dilation ?? (1, 1);
        this.groups = groups;
        // PyTorch's layout for transposed convolutions: (C_in, C_out / groups, kH, kW).
        weight = new nn.Parameter(empty(new[] { inChannels, outChannels / groups, kernelSize.Item1, kernelSize.Item2 }, dtype, device));
        bias = hasBias ? new nn.Parameter(empty(new[] { outChannels }, dtype, device)) : null;
        nn.init.DefaultLayerInit(weight, bias);
        RegisterWeightAndBias();
    }

    // (N, C_in, H, W) -> (N, C_out, (H-1)s - 2p + d(k-1) + op + 1, ...)
    public override Tensor forward(Tensor input)
    {
        using var w = EffectiveWeight();
        return nn.functional.conv_transpose2d(input, w, bias, stride, padding, outputPadding, groups, dilation);
    }
}

internal static class ConvChecks
{
    internal static void Validate(long inChannels, long outChannels, (long, long) kernel, long groups)
    {
        if (inChannels < 1 || outChannels < 1) throw new ArgumentOutOfRangeException(nameof(inChannels), "channel counts must be at least 1");
        if (kernel.Item1 < 1 || kernel.Item2 < 1) throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "kernel size must be at least 1");
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"groups ({groups}) must divide both in_channels ({inChannels}) and out_channels ({outChannels})");
    }
}
