namespace ML.Generative.Fid;

/// <summary>Materialises a strided view of a flat buffer as contiguous row-major bytes.</summary>
internal static class StridedCopy
{
    /// <summary>
    /// Checks a view (offset, sizes, strides in elements) against a source of <paramref name="sourceElements"/>
    /// elements. Returns null when valid, else a description of the problem; <paramref name="numel"/> gets
    /// the view's element count. Never overflows: every product is checked.
    /// </summary>
    public static string? Validate(long sourceElements, long offset, IReadOnlyList<long> sizes, IReadOnlyList<long> strides,
        out long numel)
    {
        numel = 1;
        if (sizes.Count != strides.Count) return $"{sizes.Count} sizes but {strides.Count} strides";
        if (offset < 0) return $"negative storage offset {offset}";
        long last = offset;
        try
        {
            for (int k = 0; k < sizes.Count; k++)
            {
                if (sizes[k] < 0) return $"negative size {sizes[k]}";
                if (strides[k] < 0) return $"negative stride {strides[k]}";
                numel = checked(numel * sizes[k]);
            }
            if (numel == 0) return offset <= sourceElements ? null : $"storage offset {offset} beyond the storage's {sourceElements} elements";
            for (int k = 0; k < sizes.Count; k++) last = checked(last + (sizes[k] - 1) * strides[k]);
        }
        catch (OverflowException)
        {
            return "sizes or strides overflow 64 bits";
        }
        return last < sourceElements ? null
            : $"the view reaches element {last} of a storage of {sourceElements} elements";
    }

    /// <summary>Copies a view that <see cref="Validate"/> accepted into a new contiguous byte array.</summary>
    public static byte[] Gather(ReadOnlySpan<byte> source, int elementSize, long offset, IReadOnlyList<long> sizes,
        IReadOnlyList<long> strides, long numel)
    {
        var result = new byte[checked(numel * elementSize)];
        if (numel == 0) return result;
        int rank = sizes.Count;
        if (IsRowMajor(sizes, strides))
        {
            source.Slice(checked((int)(offset * elementSize)), result.Length).CopyTo(result);
            return result;
        }
        // Walk the outer indices like an odometer; the innermost dimension is one run when its stride is 1.
        long innerSize = rank == 0 ? 1 : sizes[rank - 1];
        long innerStride = rank == 0 ? 1 : strides[rank - 1];
        var index = new long[Math.Max(rank - 1, 0)];
        long outerBase = offset;
        int runBytes = checked((int)(innerSize * elementSize));
        for (long written = 0; written < result.Length; written += runBytes)
        {
            var dst = result.AsSpan((int)written, runBytes);
            if (innerStride == 1)
                source.Slice((int)(outerBase * elementSize), runBytes).CopyTo(dst);
            else
                for (long i = 0; i < innerSize; i++)
                    source.Slice((int)((outerBase + i * innerStride) * elementSize), elementSize)
                        .CopyTo(dst.Slice((int)(i * elementSize), elementSize));
            for (int k = rank - 2; k >= 0; k--)
            {
                outerBase += strides[k];
                if (++index[k] < sizes[k]) break;
                outerBase -= index[k] * strides[k];
                index[k] = 0;
            }
        }
        return result;
    }

    private static bool IsRowMajor(IReadOnlyList<long> sizes, IReadOnlyList<long> strides)
    {
        long expected = 1;
        for (int k = sizes.Count - 1; k >= 0; k--)
        {
            if (sizes[k] != 1 && strides[k] != expected) return false;
            expected *= sizes[k];
        }
        return true;
    }
}
