using System.Runtime.InteropServices;
using static ML.Generative.Torch.NativeLoader;

namespace ML.Generative.Torch.Native;

/// <summary>P/Invoke declarations for native/ops.cpp. The op codes are those of the switch statements there.</summary>
internal static unsafe class OpsNative
{
    internal enum Unary { Neg, Abs, Sign, Exp, Log, Sqrt, Rsqrt, Sin, Cos, Tanh, Sigmoid, Relu, Floor, Ceil, Round, Log1p, Expm1, Reciprocal, Square, LogicalNot, Silu, Gelu, IsNan, IsInf, IsFinite, Erf, LogSigmoid, Trunc, Log2, Atan }
    internal enum Binary { Add, Sub, Mul, Div, Pow, Eq, Ne, Lt, Le, Gt, Ge, Maximum, Minimum, Matmul, Mm, Bmm, LogicalAnd, LogicalOr, Remainder, Atan2, Dot, Outer, BitwiseAnd, BitwiseOr, LogicalXor, RSub, RPow, RDiv }
    internal enum Reduction { Sum, Mean, Prod, Std, Var, Amax, Amin, LogSumExp, Norm, All, Any, ArgMax, ArgMin, CountNonzero }
    internal enum IndexedReduction { Max, Min, Sort, TopK }
    internal enum ShapeOp { View, Reshape, Permute, Expand, Repeat, Flip, Squeeze, BroadcastTo, Tile }
    internal enum DimOp { Transpose, Flatten, Unsqueeze, Select, Narrow, Movedim, Diagonal, Tril, Triu, T, Diag }
    internal enum SplitOp { Chunk, Split, SplitWithSizes, Unbind }

    [DllImport(LibraryName)] internal static extern IntPtr mlg_unary(Unary op, IntPtr a);
    [DllImport(LibraryName)] internal static extern int mlg_unary_(Unary op, IntPtr a);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_binary(Binary op, IntPtr a, IntPtr b, double alpha);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_binary_scalar(Binary op, IntPtr a, double v, long iv, int isInt, double alpha);
    [DllImport(LibraryName)] internal static extern int mlg_binary_(Binary op, IntPtr a, IntPtr b, double alpha);
    [DllImport(LibraryName)] internal static extern int mlg_binary_scalar_(Binary op, IntPtr a, double v, long iv, int isInt, double alpha);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_addcmul(IntPtr a, IntPtr b, IntPtr c, double value);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_addcdiv(IntPtr a, IntPtr b, IntPtr c, double value);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_lerp(IntPtr a, IntPtr b, double weight);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_where(IntPtr cond, IntPtr a, IntPtr b);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_clamp(IntPtr a, double min, int hasMin, double max, int hasMax);
    [DllImport(LibraryName)] internal static extern int mlg_clamp_(IntPtr a, double min, int hasMin, double max, int hasMax);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_masked_fill(IntPtr a, IntPtr mask, double value);
    [DllImport(LibraryName)] internal static extern int mlg_fill_(IntPtr a, double value);
    [DllImport(LibraryName)] internal static extern int mlg_zero_(IntPtr a);
    [DllImport(LibraryName)] internal static extern int mlg_normal_(IntPtr a, double mean, double std);
    [DllImport(LibraryName)] internal static extern int mlg_uniform_(IntPtr a, double from, double to);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_bernoulli(IntPtr p);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_allclose_tensor(IntPtr a, IntPtr b, double rtol, double atol);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_reduce(Reduction op, IntPtr a, long* dims, int ndims, int keepdim, int unbiased);
    [DllImport(LibraryName)] internal static extern int mlg_reduce_with_indices(IndexedReduction op, IntPtr a, long dim, int keepdim, long k, int descending, IntPtr* values, IntPtr* indices);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_cumsum(IntPtr a, long dim);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_softmax(IntPtr a, long dim, int log);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_shape_op(ShapeOp op, IntPtr a, long* values, int n);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_dim_op(DimOp op, IntPtr t, long a, long b, long c);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_unflatten(IntPtr t, long dim, long* sizes, int n);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_cat(IntPtr* ts, int n, long dim, int stack);
    [DllImport(LibraryName)] internal static extern int mlg_split(SplitOp op, IntPtr t, long* sizes, int n, long dim, delegate* unmanaged<int, IntPtr*> alloc);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_index(IntPtr t, int* kinds, long* a, long* b, long* c, IntPtr* tensors, int n);
    [DllImport(LibraryName)] internal static extern int mlg_index_put_(IntPtr t, int* kinds, long* a, long* b, long* c, IntPtr* tensors, int n, IntPtr value, double scalar);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_index_select(IntPtr t, long dim, IntPtr index);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_gather(IntPtr t, long dim, IntPtr index);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_masked_select(IntPtr t, IntPtr mask);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_one_hot(IntPtr t, long classes);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_nonzero(IntPtr t);
    [DllImport(LibraryName)] internal static extern int mlg_linalg_eigh(IntPtr t, IntPtr* values, IntPtr* vectors);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_cdist(IntPtr a, IntPtr b, double p);
    [DllImport(LibraryName)] internal static extern IntPtr mlg_einsum([MarshalAs(UnmanagedType.LPUTF8Str)] string equation, IntPtr* ts, int n);
}
