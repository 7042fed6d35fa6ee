using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ML.Generative.Training;

/// <summary>
/// An optimizer's state as named tensors for the checkpoint's safetensors file, in the key layout checkpoints
/// have always used (<c>state.{group}.{param}.{slot}</c>, <c>state.{group}.{param}.step</c>,
/// <c>param_groups.{group}.lr</c>, <c>param_groups.{group}.initial_lr</c>; slots named as PyTorch's:
/// <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c>, <c>momentum_buffer</c>, <c>square_avg</c>,
/// <c>grad_avg</c>). TorchSharp's own <c>save_state_dict</c> writes its binary format; this keeps checkpoints
/// one safetensors file that is checked like any other untrusted input.
/// </summary>
internal static class OptimizerStateDict
{
    /// <summary>Copies of every state tensor by key; the caller disposes them.</summary>
    public static Dictionary<string, Tensor> Capture(optim.Optimizer optimizer)
    {
        var result = new Dictionary<string, Tensor>();
        var dict = Helper(optimizer).state_dict();
        for (var g = 0; g < dict.Options.Count; g++)
        {
            result[$"param_groups.{g}.lr"] = tensor(dict.Options[g].LearningRate ?? 0, ScalarType.Float64).DetachFromDisposeScope();
            result[$"param_groups.{g}.initial_lr"] = tensor(dict.Options[g].InitialLearningRate, ScalarType.Float64).DetachFromDisposeScope();
        }
        foreach (var (prefix, state) in ParameterStates(dict))
        {
            if (Step(state) is { } step) result[prefix + "step"] = tensor(step, ScalarType.Int64).DetachFromDisposeScope();
            foreach (var (slot, value) in Slots(state))
                if (value is not null) result[prefix + slot] = value.detach().clone().DetachFromDisposeScope();
        }
        return result;
    }

    /// <summary>Restores what <see cref="Capture"/> saved into an optimizer over the same parameters. Every key and
    /// shape is checked before anything changes.</summary>
    public static void Restore(optim.Optimizer optimizer, IReadOnlyDictionary<string, Tensor> source)
    {
        var dict = Helper(optimizer).state_dict();
        var known = new HashSet<string>();
        for (var g = 0; g < dict.Options.Count; g++)
        {
            known.Add($"param_groups.{g}.lr");
            known.Add($"param_groups.{g}.initial_lr");
        }
        foreach (var (prefix, state) in ParameterStates(dict))
        {
            known.Add(prefix + "step");
            foreach (var (slot, value) in Slots(state))
            {
                var key = prefix + slot;
                known.Add(key);
                if (source.TryGetValue(key, out var t) && value is not null && !t.shape.SequenceEqual(value.shape))
                    throw new ArgumentException($"optimizer state '{key}' has shape [{string.Join(", ", t.shape)}] but its parameter's state has [{string.Join(", ", value.shape)}]");
            }
        }
        var unexpected = source.Keys.Where(k => !known.Contains(k)).ToList();
        if (unexpected.Count > 0)
            throw new ArgumentException($"the optimizer state does not fit this optimizer ({optimizer.GetType().Name} with {dict.Options.Count} group(s)): unexpected keys {string.Join(", ", unexpected.Take(5))}");

        using var noGrad = no_grad();
        for (var g = 0; g < dict.Options.Count; g++)
        {
            if (source.TryGetValue($"param_groups.{g}.lr", out var lr)) dict.Options[g].LearningRate = lr.ToDouble();
            if (source.TryGetValue($"param_groups.{g}.initial_lr", out var ilr)) dict.Options[g].InitialLearningRate = ilr.ToDouble();
        }
        foreach (var (prefix, state) in ParameterStates(dict))
        {
            SetStep(state, source.TryGetValue(prefix + "step", out var st) ? st.ToInt64() : 0);
            foreach (var (slot, value) in Slots(state))
            {
                if (!source.TryGetValue(prefix + slot, out var t)) { value?.zero_(); continue; }
                if (value is not null) value.copy_(t);
                else SetSlot(state, slot, t.to(t.dtype, t.device, copy: true).DetachFromDisposeScope());
            }
        }
    }

    // Each parameter's state with its key prefix, state.{group}.{index in group}.
    private static IEnumerable<(string prefix, OptimizerState state)> ParameterStates(optim.Optimizer.StateDictionary dict)
    {
        for (var g = 0; g < dict.Options.Count; g++)
            for (var i = 0; i < dict.StateIndexRef[g].Count; i++)
                yield return ($"state.{g}.{i}.", dict.State[dict.StateIndexRef[g][i]]);
    }

    private static OptimizerHelper Helper(optim.Optimizer optimizer) => optimizer as OptimizerHelper
        ?? throw new NotSupportedException($"checkpoints support TorchSharp's built-in optimizers, not {optimizer.GetType().Name}");

    private static long? Step(OptimizerState state) => state switch
    {
        Adam.State s => s.step,
        AdamW.State s => s.step,
        RMSProp.State s => s.step,
        _ => null,
    };

    private static void SetStep(OptimizerState state, long step)
    {
        switch (state)
        {
            case Adam.State s: s.step = step; break;
            case AdamW.State s: s.step = step; break;
            case RMSProp.State s: s.step = step; break;
        }
    }

    private static IEnumerable<(string slot, Tensor? value)> Slots(OptimizerState state) => state switch
    {
        Adam.State s => new (string, Tensor?)[] { ("exp_avg", s.exp_avg), ("exp_avg_sq", s.exp_avg_sq), ("max_exp_avg_sq", s.max_exp_avg_sq) },
        AdamW.State s => new (string, Tensor?)[] { ("exp_avg", s.exp_avg), ("exp_avg_sq", s.exp_avg_sq), ("max_exp_avg_sq", s.max_exp_avg_sq) },
        SGD.State s => new (string, Tensor?)[] { ("momentum_buffer", s.momentum_buffer) },
        RMSProp.State s => new (string, Tensor?)[] { ("square_avg", s.square_avg), ("grad_avg", s.grad_avg), ("momentum_buffer", s.momentum_buffer) },
        _ => throw new NotSupportedException($"checkpoints cannot store optimizer state of type {state.GetType().FullName}"),
    };

    private static void SetSlot(OptimizerState state, string slot, Tensor value)
    {
        switch (state, slot)
        {
            case (Adam.State s, "max_exp_avg_sq"): s.max_exp_avg_sq = value; break;
            case (AdamW.State s, "max_exp_avg_sq"): s.max_exp_avg_sq = value; break;
            case (SGD.State s, "momentum_buffer"): s.momentum_buffer = value; break;
            case (RMSProp.State s, "momentum_buffer"): s.momentum_buffer = value; break;
            case (RMSProp.State s, "grad_avg"): s.grad_avg = value; break;
            default: value.Dispose(); throw new InvalidOperationException($"optimizer state slot '{slot}' has no tensor to restore into");
        }
    }
}
