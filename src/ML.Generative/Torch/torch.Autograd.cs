using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.AutogradNative;

namespace ML.Generative.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        /// <summary>Back-propagates from this tensor (a scalar, or with <paramref name="gradient"/>) into the
        /// <c>.grad</c> of the leaves.</summary>
        public void backward(Tensor? gradient = null, bool? retain_graph = null, bool create_graph = false) =>
            Errors.Check(mlg_backward(Handle, gradient?.Handle ?? IntPtr.Zero,
                retain_graph.HasValue ? (retain_graph.Value ? 1 : 0) : -1, create_graph ? 1 : 0));

        /// <summary>The accumulated gradient of a leaf, or null. Each read returns a new handle to it.</summary>
        public Tensor? grad
        {
            get
            {
                var h = Errors.CheckNullable(mlg_tensor_grad(Handle));
                return h == IntPtr.Zero ? null : new Tensor(h);
            }
            set => Errors.Check(mlg_tensor_set_grad(Handle, value?.Handle ?? IntPtr.Zero));
        }

        public Tensor retain_grad()
        {
            Errors.Check(mlg_tensor_retain_grad(Handle));
            return this;
        }
    }

    public static bool is_grad_enabled() => mlg_is_grad_enabled() != 0;
    public static void set_grad_enabled(bool enabled) => mlg_set_grad_enabled(enabled ? 1 : 0);
    public static bool is_inference_mode_enabled() => mlg_is_inference_mode_enabled() != 0;

    /// <summary>Disables gradient recording until disposed: <c>using (torch.no_grad()) { ... }</c>.</summary>
    public static IDisposable no_grad() => new GradModeScope(false);

    /// <summary>Enables gradient recording until disposed (inside a <see cref="no_grad"/> region).</summary>
    public static IDisposable enable_grad() => new GradModeScope(true);

    /// <summary>Inference mode (faster than no_grad: no version counters or views tracking) until disposed.
    /// Tensors made in it cannot later be used in autograd.</summary>
    public static IDisposable inference_mode(bool enabled = true) => new InferenceModeScope(enabled);

    private sealed class GradModeScope : IDisposable
    {
        private readonly bool previous;
        private bool disposed;

        internal GradModeScope(bool enabled)
        {
            previous = is_grad_enabled();
            set_grad_enabled(enabled);
        }

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            set_grad_enabled(previous);
        }
    }

    private sealed class InferenceModeScope : IDisposable
    {
        private IntPtr guard;

        internal InferenceModeScope(bool enabled) => guard = Errors.Check(mlg_inference_mode_enter(enabled ? 1 : 0));

        public void Dispose()
        {
            var g = Interlocked.Exchange(ref guard, IntPtr.Zero);
            if (g != IntPtr.Zero) mlg_inference_mode_exit(g);
        }
    }

    public static partial class autograd
    {
        /// <summary>Gradients of <paramref name="outputs"/> with respect to <paramref name="inputs"/>, without
        /// touching <c>.grad</c>. With <paramref name="create_graph"/> the result is itself differentiable
        /// (gradient penalties). An input that does not reach the outputs gives null when
        /// <paramref name="allow_unused"/>.</summary>
        public static unsafe Tensor?[] grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
            IReadOnlyList<Tensor>? grad_outputs = null, bool? retain_graph = null, bool create_graph = false,
            bool allow_unused = false)
        {
            if (grad_outputs != null && grad_outputs.Count != outputs.Count)
                throw new ArgumentException($"{grad_outputs.Count} grad_outputs for {outputs.Count} outputs", nameof(grad_outputs));
            var outs = HandleArray.Handles(outputs);
            var gouts = grad_outputs == null ? null : HandleArray.Handles(grad_outputs);
            var ins = HandleArray.Handles(inputs);
            var retain = retain_graph.HasValue ? (retain_graph.Value ? 1 : 0) : -1;
            return HandleArray.Collect(alloc =>
            {
                fixed (IntPtr* po = outs, pg = gouts, pi = ins)
                    return mlg_autograd_grad(po, pg, outs.Length, pi, ins.Length, retain, create_graph ? 1 : 0,
                        allow_unused ? 1 : 0, (delegate* unmanaged<int, IntPtr*>)alloc);
            });
        }
    }
}
