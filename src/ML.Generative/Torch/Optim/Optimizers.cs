using ML.Generative.Torch.Native;
using static ML.Generative.Torch.torch;
using static ML.Generative.Torch.torch.optim;

namespace ML.Generative.Torch.Modules;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay.</summary>
public sealed class SGD : Optimizer
{
    private readonly double momentum, dampening, weightDecay;
    private readonly bool nesterov, maximize;

    public SGD(IEnumerable<ParamGroup> groups, double momentum = 0, double dampening = 0, double weight_decay = 0,
        bool nesterov = false, bool maximize = false) : base(groups, momentum != 0 ? new[] { "momentum_buffer" } : Array.Empty<string>())
    {
        CheckNonNegative(momentum, nameof(momentum));
        CheckNonNegative(weight_decay, nameof(weight_decay));
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        this.momentum = momentum;
        this.dampening = dampening;
        weightDecay = weight_decay;
        this.nesterov = nesterov;
        this.maximize = maximize;
    }

    protected override unsafe void Step(ParamGroup group, int groupIndex, Tensor?[][] state, long[] steps)
    {
        var ps = HandleArray.Handles(group.Parameters);
        var bufs = momentum != 0 ? Slot(state, 0) : new IntPtr[ps.Length];
        var first = steps.Select(s => s == 1 ? 1 : 0).ToArray();
        fixed (IntPtr* p = ps, b = bufs)
        fixed (int* f = first)
            Errors.Check(OptimNative.mlg_sgd_step(p, b, f, ps.Length, group.LearningRate, momentum, dampening, weightDecay,
                nesterov ? 1 : 0, maximize ? 1 : 0));
    }
}

/// <summary>Adam (Kingma &amp; Ba 2015), with L2 weight decay; or AdamW (Loshchilov &amp; Hutter 2019) when
/// <c>decoupled</c>, where the decay is applied to the weights directly.</summary>
public class Adam : Optimizer
{
    private readonly double beta1, beta2, eps, weightDecay;
    private readonly bool amsgrad, decoupled, maximize;

    public Adam(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : this(groups, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled: false) { }

    protected Adam(IEnumerable<ParamGroup> groups, double beta1, double beta2, double eps, double weightDecay,
        bool amsgrad, bool maximize, bool decoupled)
        : base(groups, amsgrad ? new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" } : new[] { "exp_avg", "exp_avg_sq" })
    {
        CheckBeta(beta1, nameof(beta1));
        CheckBeta(beta2, nameof(beta2));
        CheckNonNegative(eps, nameof(eps));
        CheckNonNegative(weightDecay, "weight_decay");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
        this.maximize = maximize;
    }

    protected override unsafe void Step(ParamGroup group, int groupIndex, Tensor?[][] state, long[] steps)
    {
        var ps = HandleArray.Handles(group.Parameters);
        var m = Slot(state, 0);
        var v = Slot(state, 1);
        var vmax = amsgrad ? Slot(state, 2) : new IntPtr[ps.Length];
        fixed (IntPtr* p = ps, pm = m, pv = v, pvm = vmax)
        fixed (long* s = steps)
            Errors.Check(OptimNative.mlg_adam_step(p, pm, pv, pvm, s, ps.Length, group.LearningRate, beta1, beta2, eps,
                weightDecay, amsgrad ? 1 : 0, decoupled ? 1 : 0, maximize ? 1 : 0));
    }
}

/// <summary>AdamW: Adam with decoupled weight decay (default 0.01, as PyTorch).</summary>
public sealed class AdamW : Adam
{
    public AdamW(IEnumerable<ParamGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weight_decay = 0.01, bool amsgrad = false, bool maximize = false)
        : base(groups, beta1, beta2, eps, weight_decay, amsgrad, maximize, decoupled: true) { }
}

/// <summary>RMSprop (Hinton's lecture 6e), optionally centered and with momentum.</summary>
public sealed class RMSprop : Optimizer
{
    private readonly double alpha, eps, weightDecay, momentum;
    private readonly bool centered, maximize;

    public RMSprop(IEnumerable<ParamGroup> groups, double alpha = 0.99, double eps = 1e-8, double weight_decay = 0,
        double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, new[] { "square_avg", "grad_avg", "momentum_buffer" })
    {
        CheckNonNegative(alpha, nameof(alpha));
        CheckNonNegative(eps, nameof(eps));
        CheckNonNegative(weight_decay, nameof(weight_decay));
        CheckNonNegative(momentum, nameof(momentum));
        this.alpha = alpha;
        this.eps = eps;
        weightDecay = weight_decay;
        this.momentum = momentum;
        this.centered = centered;
        this.maximize = maximize;
    }

    protected override unsafe void Step(ParamGroup group, int groupIndex, Tensor?[][] state, long[] steps)
    {
        var ps = HandleArray.Handles(group.Parameters);
        var sq = Slot(state, 0);
        var ga = Slot(state, 1);
        var mb = Slot(state, 2);
        fixed (IntPtr* p = ps, psq = sq, pga = ga, pmb = mb)
            Errors.Check(OptimNative.mlg_rmsprop_step(p, psq, pga, pmb, ps.Length, group.LearningRate, alpha, eps,
                weightDecay, momentum, centered ? 1 : 0, maximize ? 1 : 0));
    }
}

