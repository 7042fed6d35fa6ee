namespace ML.Generative.Fid.Npz;

/// <summary>The NumPy element types supported here, all little-endian.</summary>
public enum NpyDType
{
    /// <summary><c>&lt;f8</c>: float64.</summary>
    Float64,

    /// <summary><c>&lt;f4</c>: float32.</summary>
    Float32,

    /// <summary><c>&lt;i8</c>: int64.</summary>
    Int64,
}

/// <summary>NumPy type strings and sizes of <see cref="NpyDType"/>.</summary>
internal static class NpyDTypes
{
    public static string Descr(this NpyDType t) => t switch
    {
        NpyDType.Float64 => "<f8",
        NpyDType.Float32 => "<f4",
        NpyDType.Int64 => "<i8",
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    public static int Size(this NpyDType t) => t == NpyDType.Float32 ? 4 : 8;

    public static NpyDType? Parse(string descr) => descr switch
    {
        "<f8" => NpyDType.Float64,
        "<f4" => NpyDType.Float32,
        "<i8" => NpyDType.Int64,
        _ => null,
    };
}
