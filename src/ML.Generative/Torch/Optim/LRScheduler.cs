namespace ML.Generative.Torch;

public static partial class torch
{
    public static partial class optim
    {
        public static class lr_scheduler
        {
            /// <summary>Sets each group's learning rate from its initial one as a function of the epoch count
            /// (closed forms, so resuming at an epoch gives the same rate).</summary>
            public abstract class LRScheduler
            {
                private readonly Optimizer optimizer;

                protected LRScheduler(Optimizer optimizer)
                {
                    this.optimizer = optimizer;
                    Apply();
                }

                /// <summary>Epochs (or steps) taken so far.</summary>
                public int last_epoch { get; private set; }

                /// <summary>The rate for a group whose initial rate is <paramref name="initial"/> after <paramref name="epoch"/> steps.</summary>
                protected abstract double Rate(double initial, int epoch);

                public void step()
                {
                    last_epoch++;
                    Apply();
                }

                /// <summary>Jumps to an epoch (when resuming).</summary>
                public void set_epoch(int epoch)
                {
                    if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epoch must be >= 0");
                    last_epoch = epoch;
                    Apply();
                }

                public IReadOnlyList<double> get_last_lr() => optimizer.ParamGroups.Select(g => g.LearningRate).ToList();

                private void Apply()
                {
                    foreach (var g in optimizer.ParamGroups) g.LearningRate = Rate(g.InitialLearningRate, last_epoch);
                }
            }

            /// <summary>lr = initial · γ^⌊epoch / step_size⌋.</summary>
            public sealed class StepLR : LRScheduler
            {
                private readonly int stepSize;
                private readonly double gamma;

                public StepLR(Optimizer optimizer, int step_size, double gamma = 0.1) : base(Validate(optimizer, step_size))
                {
                    stepSize = step_size;
                    this.gamma = gamma;
                    set_epoch(0);
                }

                private static Optimizer Validate(Optimizer o, int stepSize) =>
                    stepSize >= 1 ? o : throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "step_size must be at least 1");

                protected override double Rate(double initial, int epoch) => stepSize == 0 ? initial : initial * Math.Pow(gamma, epoch / stepSize);
            }

            /// <summary>lr = initial · γ^epoch.</summary>
            public sealed class ExponentialLR : LRScheduler
            {
                private readonly double gamma;

                public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer)
                {
                    this.gamma = gamma;
                    set_epoch(0);
                }

                protected override double Rate(double initial, int epoch) => gamma == 0 && epoch == 0 ? initial : initial * Math.Pow(gamma, epoch);
            }

            /// <summary>lr = η_min + (initial − η_min)(1 + cos(π·epoch/T_max))/2 (SGDR without restarts).</summary>
            public sealed class CosineAnnealingLR : LRScheduler
            {
                private readonly int tMax;
                private readonly double etaMin;

                public CosineAnnealingLR(Optimizer optimizer, int T_max, double eta_min = 0) : base(optimizer)
                {
                    if (T_max < 1) throw new ArgumentOutOfRangeException(nameof(T_max), T_max, "T_max must be at least 1");
                    tMax = T_max;
                    etaMin = eta_min;
                    set_epoch(0);
                }

                protected override double Rate(double initial, int epoch) =>
                    tMax == 0 ? initial : etaMin + (initial - etaMin) * (1 + Math.Cos(Math.PI * epoch / tMax)) / 2;
            }
        }
    }
}
