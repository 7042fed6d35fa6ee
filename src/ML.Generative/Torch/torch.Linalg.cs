using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.OpsNative;

namespace ML.Generative.Torch;

public static partial class torch
{
    public static class linalg
    {
        /// <summary>Eigenvalues (ascending) and orthonormal eigenvectors (the columns) of a symmetric matrix or a
        /// batch of them; only the lower triangle is read, as PyTorch's default <c>UPLO='L'</c>.</summary>
        public static unsafe (Tensor eigenvalues, Tensor eigenvectors) eigh(Tensor input)
        {
            IntPtr values, vectors;
            Errors.Check(mlg_linalg_eigh(input.Handle, &values, &vectors));
            return (new Tensor(values), new Tensor(vectors));
        }
    }
}
