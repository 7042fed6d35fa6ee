namespace ML.Generative.Torch.Modules;

using ML.Generative.Torch;
using static ML.Generative.Torch.torch;

/// <summary>Batch normalisation (Ioffe &amp; Szegedy 2015) over (N, C) / (N, C, L) or (N, C, H, W): batch
/// statistics in training (updating running averages with <c>momentum</c>, or a cumulative average when it is
/// null), running statistics in eval mode.</summary>
public sealed class BatchNorm : nn.Module<Tensor, Tensor>, IInPlaceLayer
{
    private readonly int expectedRank;
    private readonly double eps;
    private readonly double? momentum;
    public readonly nn.Parameter? weight;
    public readonly nn.Parameter? bias;
    public readonly Tensor? running_mean;
    public readonly Tensor? running_var;
    public readonly Tensor? num_batches_tracked;

    internal BatchNorm(string name, int expectedRank, long features, double eps, double? momentum, bool affine,
        bool trackRunningStats, Device? device, ScalarType? dtype) : base(name)
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "at least one feature");
        this.expectedRank = expectedRank;
        this.eps = eps;
        this.momentum = momentum;
        if (affine)
        {
            weight = new nn.Parameter(ones(new[] { features }, dtype, device));
            bias = new nn.Parameter(zeros(new[] { features }, dtype, device));
        }
        if (trackRunningStats)
        {
            running_mean = zeros(new[] { features }, dtype, device);
            running_var = ones(new[] { features }, dtype, device);
            num_batches_tracked = zeros(new long[0], ScalarType.Int64, device);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        CheckRank(input);
        var factor = momentum ?? 0.0;
        var useBatchStats = training || running_mean is null;
        if (training && num_batches_tracked is not null)
        {
            // In a data-parallel step worker 0 counts the batch (the native op updates the running statistics once).
            if (Native.ParallelNative.mlg_dp_rank() == 0)
                using (no_grad()) num_batches_tracked.add_(1);
            // Cumulative moving average when momentum is null, as PyTorch does.
            if (momentum is null) factor = 1.0 / num_batches_tracked.item<long>();
        }
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, useBatchStats, factor, eps);
    }

    // Eval mode only: training normalises with the batch's own statistics and updates the running ones.
    Tensor? IInPlaceLayer.ForwardInPlace(Tensor input)
    {
        if (training || running_mean is null || running_var is null) return null;
        CheckRank(input);
        Native.Errors.Check(Native.NNNative.mlg_batch_norm_inference_(input.Handle, weight?.Handle ?? IntPtr.Zero,
            bias?.Handle ?? IntPtr.Zero, running_mean.Handle, running_var.Handle, eps));
        return input;
    }

    private void CheckRank(Tensor input)
    {
        var rank = input.Dimensions;
        if (expectedRank == 4 ? rank != 4 : rank is not (2 or 3))
            throw new ArgumentException($"{name} expects a {(expectedRank == 4 ? "4-D (N, C, H, W)" : "2-D or 3-D (N, C[, L])")} input, got {rank}-D");
    }
}

/// <summary>Instance normalisation over (N, C, H, W): each sample and channel normalised on its own.</summary>
public sealed class InstanceNorm2d : nn.Module<Tensor, Tensor>
{
    private readonly double eps, momentum;
    private readonly bool trackRunningStats;
    public readonly nn.Parameter? weight;
    public readonly nn.Parameter? bias;
    public readonly Tensor? running_mean;
    public readonly Tensor? running_var;
    public readonly Tensor? num_batches_tracked;

    public InstanceNorm2d(long features, double eps = 1e-5, double momentum = 0.1, bool affine = false,
        bool trackRunningStats = false, Device? device = null, ScalarType? dtype = null) : base("InstanceNorm2d")
    {
        this.eps = eps;
        this.momentum = momentum;
        this.trackRunningStats = trackRunningStats;
        if (affine)
        {
            weight = new nn.Parameter(ones(new[] { features }, dtype, device));
            bias = new nn.Parameter(zeros(new[] { features }, dtype, device));
        }
        if (trackRunningStats)
        {
            running_mean = zeros(new[] { features }, dtype, device);
            running_var = ones(new[] { features }, dtype, device);
            num_batches_tracked = zeros(new long[0], ScalarType.Int64, device);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.Dimensions != 4) throw new ArgumentException($"InstanceNorm2d expects a 4-D (N, C, H, W) input, got {input.Dimensions}-D");
        return nn.functional.instance_norm(input, running_mean, running_var, weight, bias,
            training || !trackRunningStats, momentum, eps);
    }
}

/// <summary>Layer normalisation over the last dimensions given by <c>normalized_shape</c>.</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly long[] normalizedShape;
    private readonly double eps;
    public readonly nn.Parameter? weight;
    public readonly nn.Parameter? bias;

    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, Device? device = null,
        ScalarType? dtype = null) : base("LayerNorm")
    {
        this.normalizedShape = normalizedShape.ToArray();
        this.eps = eps;
        if (elementwiseAffine)
        {
            weight = new nn.Parameter(ones(this.normalizedShape, dtype, device));
            bias = new nn.Parameter(zeros(this.normalizedShape, dtype, device));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, normalizedShape, weight, bias, eps);
}

/// <summary>Group normalisation (Wu &amp; He 2018): channels split into groups normalised per sample.</summary>
public sealed class GroupNorm : nn.Module<Tensor, Tensor>
{
    private readonly long groups;
    private readonly double eps;
    public readonly nn.Parameter? weight;
    public readonly nn.Parameter? bias;

    public GroupNorm(long numGroups, long numChannels, double eps = 1e-5, bool affine = true, Device? device = null,
        ScalarType? dtype = null) : base("GroupNorm")
    {
        if (numGroups < 1 || numChannels % numGroups != 0)
            throw new ArgumentException($"num_groups ({numGroups}) must divide num_channels ({numChannels})");
        groups = numGroups;
        this.eps = eps;
        if (affine)
        {
            weight = new nn.Parameter(ones(new[] { numChannels }, dtype, device));
            bias = new nn.Parameter(zeros(new[] { numChannels }, dtype, device));
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.group_norm(input, groups, weight, bias, eps);
}
