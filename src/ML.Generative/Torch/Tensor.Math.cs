using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.OpsNative;

namespace ML.Generative.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        private static Tensor Wrap(IntPtr h) => new(Errors.Check(h));
        private Tensor U(Unary op) => Wrap(mlg_unary(op, Handle));
        private Tensor UInPlace(Unary op) { Errors.Check(mlg_unary_(op, Handle)); return this; }
        private Tensor B(Binary op, Tensor other, double alpha = 1) => Wrap(mlg_binary(op, Handle, other.Handle, alpha));
        private Tensor S(Binary op, double value, double alpha = 1) => Wrap(mlg_binary_scalar(op, Handle, value, 0, 0, alpha));
        private Tensor S(Binary op, long value, double alpha = 1) => Wrap(mlg_binary_scalar(op, Handle, value, value, 1, alpha));
        private Tensor BInPlace(Binary op, Tensor other, double alpha = 1) { Errors.Check(mlg_binary_(op, Handle, other.Handle, alpha)); return this; }
        private Tensor SInPlace(Binary op, double value, double alpha = 1) { Errors.Check(mlg_binary_scalar_(op, Handle, value, 0, 0, alpha)); return this; }
        private Tensor SInPlace(Binary op, long value, double alpha = 1) { Errors.Check(mlg_binary_scalar_(op, Handle, value, value, 1, alpha)); return this; }

        // ---- element-wise, unary ------------------------------------------------------------------
        public Tensor neg() => U(Unary.Neg);
        public Tensor abs() => U(Unary.Abs);
        public Tensor sign() => U(Unary.Sign);
        public Tensor exp() => U(Unary.Exp);
        public Tensor log() => U(Unary.Log);
        public Tensor log2() => U(Unary.Log2);
        public Tensor sqrt() => U(Unary.Sqrt);
        public Tensor rsqrt() => U(Unary.Rsqrt);
        public Tensor sin() => U(Unary.Sin);
        public Tensor cos() => U(Unary.Cos);
        public Tensor atan() => U(Unary.Atan);
        public Tensor tanh() => U(Unary.Tanh);
        public Tensor sigmoid() => U(Unary.Sigmoid);
        public Tensor relu() => U(Unary.Relu);
        public Tensor floor() => U(Unary.Floor);
        public Tensor ceil() => U(Unary.Ceil);
        public Tensor round() => U(Unary.Round);
        public Tensor trunc() => U(Unary.Trunc);
        public Tensor log1p() => U(Unary.Log1p);
        public Tensor expm1() => U(Unary.Expm1);
        public Tensor reciprocal() => U(Unary.Reciprocal);
        public Tensor square() => U(Unary.Square);
        public Tensor logical_not() => U(Unary.LogicalNot);
        public Tensor erf() => U(Unary.Erf);
        public Tensor isnan() => U(Unary.IsNan);
        public Tensor isinf() => U(Unary.IsInf);
        public Tensor isfinite() => U(Unary.IsFinite);
        public Tensor neg_() => UInPlace(Unary.Neg);
        public Tensor abs_() => UInPlace(Unary.Abs);
        public Tensor exp_() => UInPlace(Unary.Exp);
        public Tensor log_() => UInPlace(Unary.Log);
        public Tensor sqrt_() => UInPlace(Unary.Sqrt);
        public Tensor tanh_() => UInPlace(Unary.Tanh);
        public Tensor sigmoid_() => UInPlace(Unary.Sigmoid);
        public Tensor relu_() => UInPlace(Unary.Relu);
        public Tensor square_() => UInPlace(Unary.Square);

        // ---- element-wise, binary -----------------------------------------------------------------
        public Tensor add(Tensor other, double alpha = 1) => B(Binary.Add, other, alpha);
        public Tensor add(double value) => S(Binary.Add, value);
        public Tensor sub(Tensor other, double alpha = 1) => B(Binary.Sub, other, alpha);
        public Tensor sub(double value) => S(Binary.Sub, value);
        public Tensor mul(Tensor other) => B(Binary.Mul, other);
        public Tensor mul(double value) => S(Binary.Mul, value);
        // Integer scalars stay integers, as in PyTorch: an int64 tensor plus 1 is int64, not float.
        public Tensor add(long value) => S(Binary.Add, value);
        public Tensor sub(long value) => S(Binary.Sub, value);
        public Tensor mul(long value) => S(Binary.Mul, value);
        public Tensor div(Tensor other) => B(Binary.Div, other);
        public Tensor div(double value) => S(Binary.Div, value);
        public Tensor pow(Tensor exponent) => B(Binary.Pow, exponent);
        public Tensor pow(double exponent) => S(Binary.Pow, exponent);
        public Tensor remainder(Tensor other) => B(Binary.Remainder, other);
        public Tensor remainder(double value) => S(Binary.Remainder, value);
        public Tensor atan2(Tensor other) => B(Binary.Atan2, other);
        public Tensor maximum(Tensor other) => B(Binary.Maximum, other);
        public Tensor minimum(Tensor other) => B(Binary.Minimum, other);
        public Tensor logical_and(Tensor other) => B(Binary.LogicalAnd, other);
        public Tensor logical_or(Tensor other) => B(Binary.LogicalOr, other);
        public Tensor logical_xor(Tensor other) => B(Binary.LogicalXor, other);
        public Tensor matmul(Tensor other) => B(Binary.Matmul, other);
        public Tensor mm(Tensor other) => B(Binary.Mm, other);
        public Tensor bmm(Tensor other) => B(Binary.Bmm, other);
        public Tensor dot(Tensor other) => B(Binary.Dot, other);
        public Tensor outer(Tensor other) => B(Binary.Outer, other);

        public Tensor add_(Tensor other, double alpha = 1) => BInPlace(Binary.Add, other, alpha);
        public Tensor add_(double value) => SInPlace(Binary.Add, value);
        public Tensor sub_(Tensor other, double alpha = 1) => BInPlace(Binary.Sub, other, alpha);
        public Tensor sub_(double value) => SInPlace(Binary.Sub, value);
        public Tensor mul_(Tensor other) => BInPlace(Binary.Mul, other);
        public Tensor mul_(double value) => SInPlace(Binary.Mul, value);
        public Tensor add_(long value) => SInPlace(Binary.Add, value);
        public Tensor sub_(long value) => SInPlace(Binary.Sub, value);
        public Tensor mul_(long value) => SInPlace(Binary.Mul, value);
        public Tensor div_(Tensor other) => BInPlace(Binary.Div, other);
        public Tensor div_(double value) => SInPlace(Binary.Div, value);
        public Tensor pow_(double exponent) => SInPlace(Binary.Pow, exponent);

        public Tensor addcmul(Tensor t1, Tensor t2, double value = 1) => Wrap(mlg_addcmul(Handle, t1.Handle, t2.Handle, value));
        public Tensor addcdiv(Tensor t1, Tensor t2, double value = 1) => Wrap(mlg_addcdiv(Handle, t1.Handle, t2.Handle, value));
        public Tensor lerp(Tensor end, double weight) => Wrap(mlg_lerp(Handle, end.Handle, weight));

        // ---- comparison ---------------------------------------------------------------------------
        public Tensor eq(Tensor other) => B(Binary.Eq, other);
        public Tensor eq(double value) => S(Binary.Eq, value);
        public Tensor ne(Tensor other) => B(Binary.Ne, other);
        public Tensor ne(double value) => S(Binary.Ne, value);
        public Tensor lt(Tensor other) => B(Binary.Lt, other);
        public Tensor lt(double value) => S(Binary.Lt, value);
        public Tensor le(Tensor other) => B(Binary.Le, other);
        public Tensor le(double value) => S(Binary.Le, value);
        public Tensor gt(Tensor other) => B(Binary.Gt, other);
        public Tensor gt(double value) => S(Binary.Gt, value);
        public Tensor ge(Tensor other) => B(Binary.Ge, other);
        public Tensor ge(double value) => S(Binary.Ge, value);

        /// <summary>True when every element is within <c>atol + rtol * |other|</c> of <paramref name="other"/>.</summary>
        public bool allclose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
        {
            using var r = Wrap(mlg_allclose_tensor(Handle, other.Handle, rtol, atol));
            return r.item<bool>();
        }

        public bool equal(Tensor other)
        {
            if (!shape.SequenceEqual(other.shape)) return false;
            using var e = eq(other);
            using var all = e.all();
            return all.item<bool>();
        }

        // ---- clamp, where, fill -------------------------------------------------------------------
        public Tensor clamp(double? min = null, double? max = null) =>
            Wrap(mlg_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0));
        public Tensor clamp_(double? min = null, double? max = null)
        {
            Errors.Check(mlg_clamp_(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0));
            return this;
        }
        public Tensor clamp_min(double min) => S(Binary.Maximum, min);
        public Tensor clamp_max(double max) => S(Binary.Minimum, max);
        public Tensor where(Tensor condition, Tensor other) => Wrap(mlg_where(condition.Handle, Handle, other.Handle));
        public Tensor masked_fill(Tensor mask, double value) => Wrap(mlg_masked_fill(Handle, mask.Handle, value));
        public Tensor fill_(double value) { Errors.Check(mlg_fill_(Handle, value)); return this; }
        public Tensor zero_() { Errors.Check(mlg_zero_(Handle)); return this; }
        public Tensor normal_(double mean = 0, double std = 1) { Errors.Check(mlg_normal_(Handle, mean, std)); return this; }
        public Tensor uniform_(double from = 0, double to = 1) { Errors.Check(mlg_uniform_(Handle, from, to)); return this; }

        // ---- reductions ---------------------------------------------------------------------------
        private unsafe Tensor R(Reduction op, long[]? dims, bool keepdim, bool unbiased = true)
        {
            dims ??= Array.Empty<long>();
            fixed (long* p = dims) return Wrap(mlg_reduce(op, Handle, p, dims.Length, keepdim ? 1 : 0, unbiased ? 1 : 0));
        }

        public Tensor sum() => R(Reduction.Sum, null, false);
        public Tensor sum(long dim, bool keepdim = false) => R(Reduction.Sum, new[] { dim }, keepdim);
        public Tensor sum(long[] dims, bool keepdim = false) => R(Reduction.Sum, dims, keepdim);
        public Tensor mean() => R(Reduction.Mean, null, false);
        public Tensor mean(long dim, bool keepdim = false) => R(Reduction.Mean, new[] { dim }, keepdim);
        public Tensor mean(long[] dims, bool keepdim = false) => R(Reduction.Mean, dims, keepdim);
        public Tensor prod() => R(Reduction.Prod, null, false);
        public Tensor prod(long dim, bool keepdim = false) => R(Reduction.Prod, new[] { dim }, keepdim);
        public Tensor std(bool unbiased = true) => R(Reduction.Std, null, false, unbiased);
        public Tensor std(long dim, bool unbiased = true, bool keepdim = false) => R(Reduction.Std, new[] { dim }, keepdim, unbiased);
        public Tensor std(long[] dims, bool unbiased = true, bool keepdim = false) => R(Reduction.Std, dims, keepdim, unbiased);
        public Tensor var(bool unbiased = true) => R(Reduction.Var, null, false, unbiased);
        public Tensor var(long dim, bool unbiased = true, bool keepdim = false) => R(Reduction.Var, new[] { dim }, keepdim, unbiased);
        public Tensor var(long[] dims, bool unbiased = true, bool keepdim = false) => R(Reduction.Var, dims, keepdim, unbiased);
        public Tensor max() => R(Reduction.Amax, null, false);
        public Tensor min() => R(Reduction.Amin, null, false);
        public Tensor amax(long[] dims, bool keepdim = false) => R(Reduction.Amax, dims, keepdim);
        public Tensor amin(long[] dims, bool keepdim = false) => R(Reduction.Amin, dims, keepdim);
        public Tensor logsumexp(long dim, bool keepdim = false) => R(Reduction.LogSumExp, new[] { dim }, keepdim);
        public Tensor norm() => R(Reduction.Norm, null, false);
        public Tensor norm(long dim, bool keepdim = false) => R(Reduction.Norm, new[] { dim }, keepdim);
        public Tensor all() => R(Reduction.All, null, false);
        public Tensor all(long dim, bool keepdim = false) => R(Reduction.All, new[] { dim }, keepdim);
        public Tensor any() => R(Reduction.Any, null, false);
        public Tensor any(long dim, bool keepdim = false) => R(Reduction.Any, new[] { dim }, keepdim);
        public Tensor argmax() => R(Reduction.ArgMax, null, false);
        public Tensor argmax(long dim, bool keepdim = false) => R(Reduction.ArgMax, new[] { dim }, keepdim);
        public Tensor argmin() => R(Reduction.ArgMin, null, false);
        public Tensor argmin(long dim, bool keepdim = false) => R(Reduction.ArgMin, new[] { dim }, keepdim);
        public Tensor count_nonzero() => R(Reduction.CountNonzero, null, false);

        private unsafe (Tensor values, Tensor indexes) RI(IndexedReduction op, long dim, bool keepdim, long k = 0, bool descending = false)
        {
            IntPtr v, i;
            Errors.Check(mlg_reduce_with_indices(op, Handle, dim, keepdim ? 1 : 0, k, descending ? 1 : 0, &v, &i));
            return (new Tensor(v), new Tensor(i));
        }

        public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false) => RI(IndexedReduction.Max, dim, keepdim);
        public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false) => RI(IndexedReduction.Min, dim, keepdim);
        public (Tensor values, Tensor indexes) sort(long dim = -1, bool descending = false) => RI(IndexedReduction.Sort, dim, false, 0, descending);
        public (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true) => RI(IndexedReduction.TopK, dim, false, k, largest);

        public Tensor cumsum(long dim) => Wrap(mlg_cumsum(Handle, dim));
        public Tensor softmax(long dim) => Wrap(mlg_softmax(Handle, dim, 0));
        public Tensor log_softmax(long dim) => Wrap(mlg_softmax(Handle, dim, 1));

        // ---- operators ----------------------------------------------------------------------------
        public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
        public static Tensor operator +(Tensor a, double b) => a.add(b);
        public static Tensor operator +(double a, Tensor b) => b.add(a);
        public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
        public static Tensor operator -(Tensor a, double b) => a.sub(b);
        public static Tensor operator -(double a, Tensor b) => b.S(Binary.RSub, a);
        public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
        public static Tensor operator *(Tensor a, double b) => a.mul(b);
        public static Tensor operator *(double a, Tensor b) => b.mul(a);
        public static Tensor operator +(Tensor a, long b) => a.add(b);
        public static Tensor operator +(long a, Tensor b) => b.add(a);
        public static Tensor operator -(Tensor a, long b) => a.sub(b);
        public static Tensor operator -(long a, Tensor b) => b.S(Binary.RSub, a);
        public static Tensor operator *(Tensor a, long b) => a.mul(b);
        public static Tensor operator *(long a, Tensor b) => b.mul(a);
        public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
        public static Tensor operator /(Tensor a, double b) => a.div(b);
        public static Tensor operator /(double a, Tensor b) => b.S(Binary.RDiv, a);
        public static Tensor operator %(Tensor a, Tensor b) => a.remainder(b);
        public static Tensor operator %(Tensor a, double b) => a.remainder(b);
        public static Tensor operator -(Tensor a) => a.neg();
        public static Tensor operator &(Tensor a, Tensor b) => a.logical_and(b);
        public static Tensor operator |(Tensor a, Tensor b) => a.logical_or(b);
        public static Tensor operator !(Tensor a) => a.logical_not();
        public static Tensor operator <(Tensor a, Tensor b) => a.lt(b);
        public static Tensor operator <(Tensor a, double b) => a.lt(b);
        public static Tensor operator >(Tensor a, Tensor b) => a.gt(b);
        public static Tensor operator >(Tensor a, double b) => a.gt(b);
        public static Tensor operator <=(Tensor a, Tensor b) => a.le(b);
        public static Tensor operator <=(Tensor a, double b) => a.le(b);
        public static Tensor operator >=(Tensor a, Tensor b) => a.ge(b);
        public static Tensor operator >=(Tensor a, double b) => a.ge(b);

        /// <summary><c>scalar ** tensor</c>.</summary>
        internal Tensor rpow(double value) => S(Binary.RPow, value);
    }
}
