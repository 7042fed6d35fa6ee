namespace ML.Generative.Torch;

public static partial class torch
{
    public static partial class optim
    {
        /// <summary>A set of parameters with its own learning rate (and, for some optimizers, options).</summary>
        public sealed class ParamGroup
        {
            public ParamGroup(IEnumerable<Tensor> parameters, double lr)
            {
                Parameters = parameters.ToList();
                if (Parameters.Count == 0) throw new ArgumentException("a parameter group needs at least one parameter");
                if (!(lr >= 0)) throw new ArgumentOutOfRangeException(nameof(lr), lr, "learning rate must be >= 0");
                LearningRate = lr;
                InitialLearningRate = lr;
            }

            public IReadOnlyList<Tensor> Parameters { get; }
            public double LearningRate { get; set; }

            /// <summary>The learning rate the group started with (schedulers scale from it).</summary>
            public double InitialLearningRate { get; internal set; }
        }

        /// <summary>
        /// The base of the optimizers: parameter groups, per-parameter state tensors owned by the optimizer
        /// (so they save and load like weights), the step counter, zero_grad. Each subclass does its update
        /// for a whole group in one native call that follows PyTorch's algorithm operation for operation.
        /// </summary>
        public abstract class Optimizer : IDisposable
        {
            private readonly List<ParamGroup> groups;
            // state[group][param][slot]
            private readonly List<Tensor?[][]> state = new();
            private readonly string[] slotNames;
            private readonly List<long[]> steps = new();

            protected Optimizer(IEnumerable<ParamGroup> groups, string[] slotNames)
            {
                this.groups = groups.ToList();
                if (this.groups.Count == 0) throw new ArgumentException("an optimizer needs at least one parameter group");
                this.slotNames = slotNames;
                foreach (var g in this.groups)
                {
                    state.Add(g.Parameters.Select(_ => new Tensor?[slotNames.Length]).ToArray());
                    steps.Add(new long[g.Parameters.Count]);
                }
            }

            public IReadOnlyList<ParamGroup> ParamGroups => groups;

            /// <summary>Clears the gradients of every parameter (drops them by default, as PyTorch 2 does).</summary>
            public unsafe void zero_grad(bool set_to_none = true)
            {
                foreach (var g in groups)
                {
                    var handles = g.Parameters.Select(p => p.Handle).ToArray();
                    fixed (IntPtr* h = handles)
                        Native.Errors.Check(Native.AutogradNative.mlg_zero_grad(h, handles.Length, set_to_none ? 1 : 0));
                }
            }

            /// <summary>Applies one update to every parameter that has a gradient.</summary>
            public void step()
            {
                using var scope = NewDisposeScope();
                for (var g = 0; g < groups.Count; g++)
                {
                    var group = groups[g];
                    for (var i = 0; i < group.Parameters.Count; i++)
                    {
                        using var grad = group.Parameters[i].grad;
                        if (grad is null) continue;
                        steps[g][i]++;
                        for (var s = 0; s < slotNames.Length; s++)
                            state[g][i][s] ??= NewState(slotNames[s], group.Parameters[i]);
                    }
                    Step(group, g, state[g], steps[g]);
                }
            }

            /// <summary>A new state slot for a parameter (zeros unless the optimizer says otherwise), owned by the optimizer.</summary>
            protected virtual Tensor NewState(string slot, Tensor parameter) => zeros_like(parameter).DetachFromDisposeScope();

            /// <summary>Updates one group. <paramref name="state"/>[param][slot]; <paramref name="steps"/>[param] counts
            /// this update (1 on the first).</summary>
            protected abstract void Step(ParamGroup group, int groupIndex, Tensor?[][] state, long[] steps);

            /// <summary>The handles of one state slot across a group's parameters (zero where not yet created).</summary>
            protected static IntPtr[] Slot(Tensor?[][] state, int slot) => state.Select(s => s[slot]?.Handle ?? IntPtr.Zero).ToArray();

            /// <summary>Every state tensor by key (<c>state.{group}.{param}.{slot}</c>, <c>state.{group}.{param}.step</c>,
            /// <c>param_groups.{group}.lr</c>): copies, ready for a safetensors file. The caller disposes them.</summary>
            public Dictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>();
                for (var g = 0; g < groups.Count; g++)
                {
                    result[$"param_groups.{g}.lr"] = tensor(groups[g].LearningRate, ScalarType.Float64).DetachFromDisposeScope();
                    result[$"param_groups.{g}.initial_lr"] = tensor(groups[g].InitialLearningRate, ScalarType.Float64).DetachFromDisposeScope();
                    for (var i = 0; i < groups[g].Parameters.Count; i++)
                    {
                        result[$"state.{g}.{i}.step"] = tensor(steps[g][i], ScalarType.Int64).DetachFromDisposeScope();
                        for (var s = 0; s < slotNames.Length; s++)
                            if (state[g][i][s] is { } t)
                                result[$"state.{g}.{i}.{slotNames[s]}"] = t.clone().DetachFromDisposeScope();
                    }
                }
                return result;
            }

            /// <summary>Restores what <see cref="state_dict"/> saved, for the same parameter layout. Checked
            /// completely before anything changes.</summary>
            public void load_state_dict(IReadOnlyDictionary<string, Tensor> source)
            {
                var known = new HashSet<string>();
                for (var g = 0; g < groups.Count; g++)
                {
                    known.Add($"param_groups.{g}.lr");
                    known.Add($"param_groups.{g}.initial_lr");
                    for (var i = 0; i < groups[g].Parameters.Count; i++)
                    {
                        known.Add($"state.{g}.{i}.step");
                        foreach (var slot in slotNames)
                        {
                            var key = $"state.{g}.{i}.{slot}";
                            known.Add(key);
                            if (source.TryGetValue(key, out var t) && !t.shape.SequenceEqual(groups[g].Parameters[i].shape))
                                throw new ArgumentException($"optimizer state '{key}' has shape [{string.Join(", ", t.shape)}] but its parameter has [{string.Join(", ", groups[g].Parameters[i].shape)}]");
                        }
                    }
                }
                var unexpected = source.Keys.Where(k => !known.Contains(k)).ToList();
                if (unexpected.Count > 0)
                    throw new ArgumentException($"the optimizer state does not fit this optimizer ({GetType().Name} with {groups.Count} group(s)): unexpected keys {string.Join(", ", unexpected.Take(5))}");
                for (var g = 0; g < groups.Count; g++)
                {
                    if (source.TryGetValue($"param_groups.{g}.lr", out var lr)) groups[g].LearningRate = lr.item<double>();
                    if (source.TryGetValue($"param_groups.{g}.initial_lr", out var ilr)) groups[g].InitialLearningRate = ilr.item<double>();
                    for (var i = 0; i < groups[g].Parameters.Count; i++)
                    {
                        steps[g][i] = source.TryGetValue($"state.{g}.{i}.step", out var st) ? st.item<long>() : 0;
                        for (var s = 0; s < slotNames.Length; s++)
                        {
                            state[g][i][s]?.Dispose();
                            state[g][i][s] = source.TryGetValue($"state.{g}.{i}.{slotNames[s]}", out var t)
                                ? t.to(groups[g].Parameters[i].dtype, groups[g].Parameters[i].device, copy: true).DetachFromDisposeScope()
                                : null;
                        }
                    }
                }
            }

            public void Dispose()
            {
                foreach (var g in state)
                    foreach (var p in g)
                        foreach (var t in p)
                            t?.Dispose();
                state.Clear();
                GC.SuppressFinalize(this);
            }
        }

        internal static IEnumerable<ParamGroup> SingleGroup(IEnumerable<Tensor> parameters, double lr) =>
            new[] { new ParamGroup(parameters, lr) };

        internal static void CheckNonNegative(double value, string name)
        {
            if (!(value >= 0)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 0");
        }

        internal static void CheckBeta(double value, string name)
        {
            if (!(value >= 0 && value < 1)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1)");
        }
    }
}
