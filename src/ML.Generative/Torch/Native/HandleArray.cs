using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ML.Generative.Torch.Native;

/// <summary>
/// Arrays of handles out of native code: the shim calls <see cref="Allocate"/> (an unmanaged callback)
/// for a buffer, fills it, and the managed side takes the handles and frees the buffer.
/// </summary>
internal static unsafe class HandleArray
{
    [ThreadStatic] private static IntPtr buffer;

    [UnmanagedCallersOnly]
    private static IntPtr* Allocate(int n)
    {
        buffer = Marshal.AllocHGlobal(Math.Max(1, n) * IntPtr.Size);
        return (IntPtr*)buffer;
    }

    internal static delegate* unmanaged<int, IntPtr*> Allocator => &Allocate;

    /// <summary>Runs a native call that returns handles through the allocator; returns them as tensors (null
    /// where the shim returned a null handle).</summary>
    internal static torch.Tensor?[] Collect(Func<IntPtr, int> call)
    {
        buffer = IntPtr.Zero;
        int n;
        try
        {
            n = Errors.Check(call((IntPtr)Allocator));
            var result = new torch.Tensor?[n];
            var p = (IntPtr*)buffer;
            for (var i = 0; i < n; i++) result[i] = p[i] == IntPtr.Zero ? null : new torch.Tensor(p[i]);
            return result;
        }
        finally
        {
            if (buffer != IntPtr.Zero) Marshal.FreeHGlobal(buffer);
            buffer = IntPtr.Zero;
        }
    }

    /// <summary>Pins the handles of a list of tensors (null entries stay null) for the duration of a call.</summary>
    internal static IntPtr[] Handles(IReadOnlyList<torch.Tensor?> tensors)
    {
        var handles = new IntPtr[tensors.Count];
        for (var i = 0; i < handles.Length; i++) handles[i] = tensors[i]?.Handle ?? IntPtr.Zero;
        return handles;
    }
}
