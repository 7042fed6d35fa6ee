using System.Runtime.InteropServices;

namespace ML.Generative.Torch.Native;

/// <summary>Turns the shim's error protocol (null handle or -1, message kept per thread) into exceptions.</summary>
internal static class Errors
{
    internal static IntPtr Check(IntPtr handle)
    {
        if (handle == IntPtr.Zero) Throw();
        return handle;
    }

    internal static int Check(int status)
    {
        if (status < 0) Throw();
        return status;
    }

    /// <summary>For calls where null is a valid answer (an absent gradient): throws only if an error was set.</summary>
    internal static IntPtr CheckNullable(IntPtr handle)
    {
        if (handle == IntPtr.Zero && RuntimeNative.mlg_last_error() != IntPtr.Zero) Throw();
        return handle;
    }

    private static void Throw()
    {
        var ptr = RuntimeNative.mlg_last_error();
        var message = ptr == IntPtr.Zero ? "native call failed without a message" : Marshal.PtrToStringUTF8(ptr)!;
        RuntimeNative.mlg_clear_error();
        throw new TorchException(message.Trim());
    }
}
