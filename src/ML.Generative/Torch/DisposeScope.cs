namespace ML.Generative.Torch;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost open scope, and disposes them
/// when it is disposed, except those moved out (<see cref="torch.Tensor.MoveToOuterDisposeScope"/>) or
/// detached (<see cref="torch.Tensor.DetachFromDisposeScope"/>). Scopes nest; open one per training step
/// or transformed batch: <c>using var scope = torch.NewDisposeScope();</c>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic] private static DisposeScope? current;
    private readonly List<torch.Tensor> tensors = new();
    private readonly Thread owner = Thread.CurrentThread;
    private bool disposed;

    internal DisposeScope()
    {
        Outer = current;
        current = this;
    }

    /// <summary>The innermost open scope on this thread, if any.</summary>
    internal static DisposeScope? Current => current;

    /// <summary>The scope that was open when this one was created.</summary>
    internal DisposeScope? Outer { get; }

    /// <summary>The number of tensors this scope will dispose.</summary>
    public int Count => tensors.Count(t => t.OwningScope == this);

    internal void Include(torch.Tensor tensor)
    {
        tensor.OwningScope = this;
        tensors.Add(tensor);
    }

    // Lazy removal: the list keeps the entry, but the tensor no longer names this scope as its owner.
    internal void Exclude(torch.Tensor tensor)
    {
        if (tensor.OwningScope == this) tensor.OwningScope = null;
    }

    /// <summary>Keeps <paramref name="tensor"/> alive past this scope and returns it.</summary>
    public T MoveToOuter<T>(T tensor) where T : torch.Tensor
    {
        if (tensor.OwningScope == this)
        {
            Exclude(tensor);
            Outer?.Include(tensor);
        }
        return tensor;
    }

    public void Dispose()
    {
        if (disposed) return;
        if (Thread.CurrentThread != owner)
            throw new InvalidOperationException("a dispose scope must be disposed on the thread that created it");
        disposed = true;
        foreach (var t in tensors)
            if (t.OwningScope == this)
            {
                t.OwningScope = null;
                t.Dispose();
            }
        tensors.Clear();
        // Scopes are disposed innermost first; if an inner one was leaked, close it along with this one.
        if (current == this) current = Outer;
        else
        {
            var s = current;
            while (s != null && s != this) s = s.Outer;
            if (s == this) current = Outer;
        }
    }
}

public static partial class torch
{
    /// <summary>Opens a dispose scope on this thread (see <see cref="DisposeScope"/>).</summary>
    public static DisposeScope NewDisposeScope() => new();
}
