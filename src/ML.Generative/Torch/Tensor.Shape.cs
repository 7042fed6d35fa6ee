using ML.Generative.Torch.Native;
using static ML.Generative.Torch.Native.OpsNative;

namespace ML.Generative.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        private unsafe Tensor Shape(ShapeOp op, long[] values)
        {
            fixed (long* p = values) return Wrap(mlg_shape_op(op, Handle, p, values.Length));
        }

        private Tensor Dim(DimOp op, long a = 0, long b = 0, long c = 0) => Wrap(mlg_dim_op(op, Handle, a, b, c));

        public Tensor view(params long[] shape) => Shape(ShapeOp.View, shape);
        public Tensor reshape(params long[] shape) => Shape(ShapeOp.Reshape, shape);
        public Tensor permute(params long[] dims) => Shape(ShapeOp.Permute, dims);
        public Tensor expand(params long[] sizes) => Shape(ShapeOp.Expand, sizes);
        public Tensor broadcast_to(params long[] sizes) => Shape(ShapeOp.BroadcastTo, sizes);
        public Tensor repeat(params long[] repeats) => Shape(ShapeOp.Repeat, repeats);
        public Tensor tile(params long[] repeats) => Shape(ShapeOp.Tile, repeats);
        public Tensor flip(params long[] dims) => Shape(ShapeOp.Flip, dims);
        public Tensor squeeze() => Shape(ShapeOp.Squeeze, Array.Empty<long>());
        public Tensor squeeze(long dim) => Shape(ShapeOp.Squeeze, new[] { dim });
        public Tensor view_as(Tensor other) => view(other.shape);
        public Tensor expand_as(Tensor other) => expand(other.shape);
        public Tensor reshape_as(Tensor other) => reshape(other.shape);

        public Tensor transpose(long dim0, long dim1) => Dim(DimOp.Transpose, dim0, dim1);
        public Tensor t() => Dim(DimOp.T);
        public Tensor T => t();
        public Tensor flatten(long startDim = 0, long endDim = -1) => Dim(DimOp.Flatten, startDim, endDim);
        public Tensor unsqueeze(long dim) => Dim(DimOp.Unsqueeze, dim);
        public Tensor select(long dim, long index) => Dim(DimOp.Select, dim, index);
        public Tensor narrow(long dim, long start, long length) => Dim(DimOp.Narrow, dim, start, length);
        public Tensor movedim(long source, long destination) => Dim(DimOp.Movedim, source, destination);
        public Tensor diagonal(long offset = 0) => Dim(DimOp.Diagonal, offset);
        public Tensor diag(long offset = 0) => Dim(DimOp.Diag, offset);
        public Tensor tril(long diagonal = 0) => Dim(DimOp.Tril, diagonal);
        public Tensor triu(long diagonal = 0) => Dim(DimOp.Triu, diagonal);

        public unsafe Tensor unflatten(long dim, params long[] sizes)
        {
            fixed (long* p = sizes) return Wrap(mlg_unflatten(Handle, dim, p, sizes.Length));
        }

        private unsafe Tensor[] Split(SplitOp op, long[] sizes, long dim)
        {
            var h = Handle;
            var parts = HandleArray.Collect(alloc =>
            {
                fixed (long* p = sizes) return mlg_split(op, h, p, sizes.Length, dim, (delegate* unmanaged<int, IntPtr*>)alloc);
            });
            return parts.Select(t => t!).ToArray();
        }

        public Tensor[] chunk(long chunks, long dim = 0) => Split(SplitOp.Chunk, new[] { chunks }, dim);
        public Tensor[] split(long size, long dim = 0) => Split(SplitOp.Split, new[] { size }, dim);
        public Tensor[] split(long[] sizes, long dim = 0) => Split(SplitOp.SplitWithSizes, sizes, dim);
        public Tensor[] unbind(long dim = 0) => Split(SplitOp.Unbind, Array.Empty<long>(), dim);
    }

    private static unsafe Tensor Join(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("at least one tensor is needed", nameof(tensors));
        var handles = HandleArray.Handles(tensors);
        fixed (IntPtr* p = handles) return new Tensor(Errors.Check(mlg_cat(p, handles.Length, dim, stack ? 1 : 0)));
    }

    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, false);
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, true);
    public static Tensor where(Tensor condition, Tensor x, Tensor y) => x.where(condition, y);
}
