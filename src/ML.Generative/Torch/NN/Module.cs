using System.Reflection;
using ML.Generative.Torch.Native;

namespace ML.Generative.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A tensor that is a module's learnable parameter (requires gradients by default; never
        /// collected by a dispose scope: its module owns it). It takes over <c>data</c>, as TorchSharp's does:
        /// the tensor passed in is disposed, so <c>new Parameter(empty(...))</c> leaves no stray handle.</summary>
        public sealed class Parameter : Tensor
        {
            public Parameter(Tensor data, bool requires_grad = true)
                : base(Errors.Check(TensorNative.mlg_tensor_detach(data.Handle)))
            {
                DetachFromDisposeScope();
                data.Dispose();
                this.requires_grad = requires_grad;
            }
        }

        /// <summary>
        /// The base of every network: holds parameters, buffers and child modules, named as the state-dict keys
        /// will be. Subclasses declare them as fields and call <see cref="RegisterComponents"/> once, at the end
        /// of their constructor (TorchSharp's convention): fields of type <see cref="Parameter"/> become
        /// parameters, other <see cref="Tensor"/> fields buffers, <see cref="Module"/> fields children.
        /// </summary>
        public abstract class Module : IDisposable
        {
            private readonly List<(string name, Parameter? value)> ownParameters = new();
            private readonly List<(string name, Tensor value, bool persistent)> ownBuffers = new();
            private readonly List<(string name, Module value)> ownChildren = new();
            private bool disposed;

            protected Module(string name) => this.name = name;

            /// <summary>A short type name (used in messages).</summary>
            public string name { get; }

            /// <summary>True in training mode (the default), false after <see cref="eval"/>.</summary>
            public bool training { get; private set; } = true;

            /// <summary>Registers the fields declared by the subclass, in declaration order.</summary>
            protected void RegisterComponents()
            {
                for (var type = GetType(); type != null && type != typeof(Module); type = type.BaseType)
                    foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    {
                        if (field.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))) continue;
                        var key = field.Name.TrimStart('_');
                        switch (field.GetValue(this))
                        {
                            case Parameter p: if (!Has(key)) register_parameter(key, p); break;
                            case Tensor t: if (!Has(key)) register_buffer(key, t); break;
                            case Module m: if (!Has(key)) register_module(key, m); break;
                        }
                    }
            }

            private bool Has(string key) =>
                ownParameters.Any(p => p.name == key) || ownBuffers.Any(b => b.name == key) || ownChildren.Any(c => c.name == key);

            private void CheckNewName(string key)
            {
                if (string.IsNullOrEmpty(key) || key.Contains('.'))
                    throw new ArgumentException($"'{key}' is not a valid name for a module member (empty or contains '.')");
                if (Has(key)) throw new ArgumentException($"{name} already has a member named '{key}'");
            }

            public void register_parameter(string key, Parameter? parameter)
            {
                CheckNewName(key);
                ownParameters.Add((key, parameter));
            }

            public void register_buffer(string key, Tensor buffer, bool persistent = true)
            {
                CheckNewName(key);
                buffer.DetachFromDisposeScope();
                ownBuffers.Add((key, buffer, persistent));
            }

            public void register_module(string key, Module module)
            {
                CheckNewName(key);
                ownChildren.Add((key, module));
            }

            /// <summary>Replaces a registered parameter (e.g. when a parametrization renames <c>weight</c>).</summary>
            protected void replace_parameter(string key, Parameter? parameter)
            {
                var i = ownParameters.FindIndex(p => p.name == key);
                if (i < 0) throw new ArgumentException($"{name} has no parameter '{key}'");
                ownParameters[i] = (key, parameter);
            }

            protected void remove_parameter(string key) => ownParameters.RemoveAll(p => p.name == key);

            // ---- enumeration ------------------------------------------------------------------------

            public IEnumerable<(string name, Module module)> named_children() => ownChildren;

            public IEnumerable<(string name, Module module)> named_modules(string prefix = "")
            {
                yield return (prefix, this);
                foreach (var (n, child) in ownChildren)
                    foreach (var m in child.named_modules(Join(prefix, n)))
                        yield return m;
            }

            public IEnumerable<Module> modules() => named_modules().Select(m => m.module);

            public IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true)
            {
                foreach (var (n, p) in ownParameters)
                    if (p != null) yield return (n, p);
                if (!recurse) yield break;
                foreach (var (cn, child) in ownChildren)
                    foreach (var (n, p) in child.named_parameters())
                        yield return (Join(cn, n), p);
            }

            /// <summary>All learnable parameters, this module's first, then its children's in registration order.</summary>
            public IEnumerable<Parameter> parameters(bool recurse = true) => named_parameters(recurse).Select(p => p.parameter);

            public IEnumerable<(string name, Tensor buffer)> named_buffers(bool recurse = true)
            {
                foreach (var (n, b, _) in ownBuffers) yield return (n, b);
                if (!recurse) yield break;
                foreach (var (cn, child) in ownChildren)
                    foreach (var (n, b) in child.named_buffers())
                        yield return (Join(cn, n), b);
            }

            public IEnumerable<Tensor> buffers(bool recurse = true) => named_buffers(recurse).Select(b => b.buffer);

            private static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";

            // ---- state dict -------------------------------------------------------------------------

            /// <summary>Parameters and persistent buffers by their PyTorch-style keys, in PyTorch's order. The
            /// tensors are the module's own (not copies): do not dispose them.</summary>
            public IReadOnlyDictionary<string, Tensor> state_dict()
            {
                var result = new Dictionary<string, Tensor>();
                AddState(result, "");
                return result;
            }

            private void AddState(Dictionary<string, Tensor> into, string prefix)
            {
                foreach (var (n, p) in ownParameters)
                    if (p != null) into[Join(prefix, n)] = p;
                foreach (var (n, b, persistent) in ownBuffers)
                    if (persistent) into[Join(prefix, n)] = b;
                foreach (var (n, child) in ownChildren) child.AddState(into, Join(prefix, n));
            }

            /// <summary>Copies values from <paramref name="source"/> into this module's parameters and buffers.
            /// With <paramref name="strict"/>, keys must match exactly; shapes must always match. Nothing is
            /// changed when the check fails.</summary>
            public (IReadOnlyList<string> missing, IReadOnlyList<string> unexpected) load_state_dict(
                IReadOnlyDictionary<string, Tensor> source, bool strict = true)
            {
                var own = state_dict();
                var missing = own.Keys.Where(k => !source.ContainsKey(k)).ToList();
                var unexpected = source.Keys.Where(k => !own.ContainsKey(k)).ToList();
                var problems = new List<string>();
                if (strict && missing.Count > 0) problems.Add($"missing keys: {string.Join(", ", missing)}");
                if (strict && unexpected.Count > 0) problems.Add($"unexpected keys: {string.Join(", ", unexpected)}");
                foreach (var (key, target) in own)
                    if (source.TryGetValue(key, out var value) && !value.shape.SequenceEqual(target.shape))
                        problems.Add($"'{key}' has shape [{string.Join(", ", value.shape)}] in the source but [{string.Join(", ", target.shape)}] in {name}");
                if (problems.Count > 0)
                    throw new ArgumentException($"cannot load the state dict into {name}: {string.Join("; ", problems)}");
                using (no_grad())
                    foreach (var (key, target) in own)
                        if (source.TryGetValue(key, out var value))
                            target.copy_(value);
                return (missing, unexpected);
            }

            // ---- modes and devices ------------------------------------------------------------------

            public virtual Module train(bool mode = true)
            {
                training = mode;
                foreach (var (_, child) in ownChildren) child.train(mode);
                return this;
            }

            public Module eval() => train(false);

            /// <summary>Moves (or converts) every parameter and buffer in place: the tensor objects stay the same.</summary>
            public Module to(Device device) => Apply(t => t.to(device));

            /// <summary>Converts floating-point parameters and buffers to <paramref name="type"/>.</summary>
            public Module to(ScalarType type) => Apply(t => t.dtype.IsFloatingPoint() ? t.to(type) : t.alias());

            /// <summary>Lays 4-D parameters and buffers out in <paramref name="format"/> (channels-last lets oneDNN
            /// skip layout conversions around convolutions).</summary>
            public Module to(MemoryFormat format) => Apply(t => t.Dimensions == 4 ? t.contiguous(format) : t.alias());

            public Module to(ScalarType type, Device device) => Apply(t => t.dtype.IsFloatingPoint() ? t.to(type, device) : t.to(device));

            private Module Apply(Func<Tensor, Tensor> convert)
            {
                using (no_grad())
                {
                    foreach (var (_, p) in named_parameters())
                        using (var moved = convert(p)) p.set_data(moved);
                    foreach (var (_, b) in named_buffers())
                        using (var moved = convert(b)) b.set_data(moved);
                }
                return this;
            }

            /// <summary>Clears the gradients of every parameter (drops them, as PyTorch 2 does by default).</summary>
            public unsafe void zero_grad(bool set_to_none = true)
            {
                var handles = parameters().Select(p => p.Handle).ToArray();
                fixed (IntPtr* h = handles) Errors.Check(AutogradNative.mlg_zero_grad(h, handles.Length, set_to_none ? 1 : 0));
            }

            public void Dispose()
            {
                if (disposed) return;
                disposed = true;
                foreach (var (_, p) in ownParameters) p?.Dispose();
                foreach (var (_, b, _) in ownBuffers) b.Dispose();
                foreach (var (_, c) in ownChildren) c.Dispose();
                GC.SuppressFinalize(this);
            }
        }

        /// <summary>A module with a typed forward pass.</summary>
        public abstract class Module<T, TResult> : Module
        {
            protected Module(string name) : base(name) { }

            public abstract TResult forward(T input);

            /// <summary>Runs <see cref="forward"/> (TorchSharp's name for calling a module).</summary>
            public TResult call(T input) => forward(input);
        }

        /// <summary>A module with two inputs.</summary>
        public abstract class Module<T1, T2, TResult> : Module
        {
            protected Module(string name) : base(name) { }

            public abstract TResult forward(T1 input1, T2 input2);

            public TResult call(T1 input1, T2 input2) => forward(input1, input2);
        }
    }
}
