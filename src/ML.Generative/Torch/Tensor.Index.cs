using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.OpsNative;

namespace ML.Generative.Torch;

/// <summary>One position of an index expression, as in Python's <c>t[1, 2:5, ..., None, mask]</c>.</summary>
public readonly struct TensorIndex
{
    internal enum Kind { Single = 0, Slice = 1, Ellipsis = 2, None = 3, Tensor = 4, Bool = 5 }

    internal Kind kind { get; }
    internal long a { get; }
    internal long b { get; }
    internal long c { get; }
    internal torch.Tensor? tensor { get; }

    private const long Absent = long.MinValue;

    private TensorIndex(Kind kind, long a = 0, long b = 0, long c = 0, torch.Tensor? tensor = null)
    {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.c = c;
        this.tensor = tensor;
    }

    public static TensorIndex Single(long index) => new(Kind.Single, index);
    public static TensorIndex Slice(long? start = null, long? stop = null, long? step = null) =>
        new(Kind.Slice, start ?? Absent, stop ?? Absent, step ?? Absent);
    public static TensorIndex Colon => Slice();
    public static TensorIndex Ellipsis => new(Kind.Ellipsis);
    public static TensorIndex None => new(Kind.None);
    public static TensorIndex Tensor(torch.Tensor index) => new(Kind.Tensor, tensor: index);
    public static TensorIndex Bool(bool value) => new(Kind.Bool, value ? 1 : 0);

    public static implicit operator TensorIndex(long index) => Single(index);
    public static implicit operator TensorIndex(int index) => Single(index);
    public static implicit operator TensorIndex(torch.Tensor index) => Tensor(index);
    public static implicit operator TensorIndex(Index index) => Single(index.IsFromEnd ? -index.Value : index.Value);
    public static implicit operator TensorIndex(Range range)
    {
        if (range.Start.IsFromEnd || range.End.IsFromEnd)
        {
            long? start = range.Start.IsFromEnd ? -range.Start.Value : range.Start.Value;
            long? stop = range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value;
            return Slice(start, stop);
        }
        return Slice(range.Start.Value, range.End.Value);
    }
}

public static partial class torch
{
    public partial class Tensor
    {
        private unsafe Tensor Index(TensorIndex[] indices)
        {
            var n = indices.Length;
            var kinds = new int[n];
            var a = new long[n];
            var b = new long[n];
            var c = new long[n];
            var ts = new IntPtr[n];
            Encode(indices, kinds, a, b, c, ts);
            fixed (int* pk = kinds)
            fixed (long* pa = a, pb = b, pc = c)
            fixed (IntPtr* pt = ts)
                return Wrap(mlg_index(Handle, pk, pa, pb, pc, pt, n));
        }

        private unsafe void IndexPut(TensorIndex[] indices, Tensor? value, double scalar)
        {
            var n = indices.Length;
            var kinds = new int[n];
            var a = new long[n];
            var b = new long[n];
            var c = new long[n];
            var ts = new IntPtr[n];
            Encode(indices, kinds, a, b, c, ts);
            fixed (int* pk = kinds)
            fixed (long* pa = a, pb = b, pc = c)
            fixed (IntPtr* pt = ts)
                Errors.Check(mlg_index_put_(Handle, pk, pa, pb, pc, pt, n, value?.Handle ?? IntPtr.Zero, scalar));
        }

        private static void Encode(TensorIndex[] indices, int[] kinds, long[] a, long[] b, long[] c, IntPtr[] ts)
        {
            for (var i = 0; i < indices.Length; i++)
            {
                kinds[i] = (int)indices[i].kind;
                a[i] = indices[i].a;
                b[i] = indices[i].b;
                c[i] = indices[i].c;
                ts[i] = indices[i].tensor?.Handle ?? IntPtr.Zero;
            }
        }

        /// <summary>Indexing and slicing as in Python: <c>t[0]</c>, <c>t[TensorIndex.Colon, 1..3]</c>,
        /// <c>t[mask]</c>; assignment writes into this tensor in place.</summary>
        public Tensor this[params TensorIndex[] indices]
        {
            get => Index(indices);
            set => IndexPut(indices, value, 0);
        }

        /// <summary>Writes a scalar into the indexed positions (in place).</summary>
        public Tensor index_put_(double value, params TensorIndex[] indices)
        {
            IndexPut(indices, null, value);
            return this;
        }

        public Tensor index_put_(Tensor value, params TensorIndex[] indices)
        {
            IndexPut(indices, value, 0);
            return this;
        }

        public Tensor index_select(long dim, Tensor index) => Wrap(mlg_index_select(Handle, dim, index.Handle));
        public Tensor gather(long dim, Tensor index) => Wrap(mlg_gather(Handle, dim, index.Handle));
        public Tensor masked_select(Tensor mask) => Wrap(mlg_masked_select(Handle, mask.Handle));
        public Tensor nonzero() => Wrap(mlg_nonzero(Handle));
    }
}
