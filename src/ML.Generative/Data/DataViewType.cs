namespace ML.Generative.Data;

/// <summary>
/// The type of a column of an <see cref="IDataView"/>. Each type has one .NET <see cref="RawType"/>, the type
/// a <see cref="ValueGetter{TValue}"/> for the column hands out. Types compare by value.
/// </summary>
public abstract class DataViewType : IEquatable<DataViewType>
{
    private protected DataViewType(Type rawType) => RawType = rawType;

    /// <summary>The .NET type of the column's values.</summary>
    public Type RawType { get; }

    /// <inheritdoc/>
    public abstract bool Equals(DataViewType? other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DataViewType t && Equals(t);

    /// <inheritdoc/>
    public override int GetHashCode() => ToString()!.GetHashCode();
}

/// <summary>A scalar number: <see cref="float"/>, <see cref="double"/>, <see cref="byte"/>, <see cref="int"/>,
/// <see cref="long"/> or <see cref="uint"/>.</summary>
public sealed class NumberDataViewType : DataViewType
{
    private NumberDataViewType(Type rawType) : base(rawType) { }

    /// <summary>32-bit float, the type of pixels and model outputs.</summary>
    public static NumberDataViewType Single { get; } = new(typeof(float));
    /// <summary>64-bit float.</summary>
    public static NumberDataViewType Double { get; } = new(typeof(double));
    /// <summary>Unsigned 8-bit integer.</summary>
    public static NumberDataViewType Byte { get; } = new(typeof(byte));
    /// <summary>Signed 32-bit integer.</summary>
    public static NumberDataViewType Int32 { get; } = new(typeof(int));
    /// <summary>Signed 64-bit integer.</summary>
    public static NumberDataViewType Int64 { get; } = new(typeof(long));
    /// <summary>Unsigned 32-bit integer.</summary>
    public static NumberDataViewType UInt32 { get; } = new(typeof(uint));

    internal static IReadOnlyList<NumberDataViewType> All { get; } = new[] { Single, Double, Byte, Int32, Int64, UInt32 };

    /// <summary>The number type whose raw type is <paramref name="type"/>, or null.</summary>
    public static NumberDataViewType? FromType(Type type) => All.FirstOrDefault(t => t.RawType == type);

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override string ToString() => RawType.Name;
}

/// <summary>Text (<see cref="string"/>), for example an image's path.</summary>
public sealed class TextDataViewType : DataViewType
{
    private TextDataViewType() : base(typeof(string)) { }

    /// <summary>The one text type.</summary>
    public static TextDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => other is TextDataViewType;

    /// <inheritdoc/>
    public override string ToString() => "Text";
}

/// <summary>A boolean (<see cref="bool"/>), for example <c>IsAnomaly</c>.</summary>
public sealed class BooleanDataViewType : DataViewType
{
    private BooleanDataViewType() : base(typeof(bool)) { }

    /// <summary>The one boolean type.</summary>
    public static BooleanDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => other is BooleanDataViewType;

    /// <inheritdoc/>
    public override string ToString() => "Boolean";
}

/// <summary>
/// A class label: a <see cref="uint"/> in <c>0 .. Count-1</c>. Unlike ML.NET's key type, keys here are
/// zero-based with no "missing" value, because they index class embeddings and logits directly.
/// </summary>
public sealed class KeyDataViewType : DataViewType
{
    /// <summary>A key type with <paramref name="count"/> classes.</summary>
    public KeyDataViewType(ulong count) : base(typeof(uint))
    {
        if (count == 0 || count > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), "a key type needs 1 .. 2^32-1 classes");
        Count = count;
    }

    /// <summary>The number of classes.</summary>
    public ulong Count { get; }

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => other is KeyDataViewType k && k.Count == Count;

    /// <inheritdoc/>
    public override string ToString() => $"Key<UInt32, 0-{Count - 1}>";
}

/// <summary>
/// A vector of numbers (raw type: an array of the item type, e.g. <c>float[]</c>) with an optional known
/// shape — an image as <c>[C, H, W]</c>. A vector with no dimensions has a size that varies by row.
/// </summary>
public sealed class VectorDataViewType : DataViewType
{
    /// <summary>A vector of <paramref name="itemType"/> with the given shape (none: variable size).</summary>
    public VectorDataViewType(NumberDataViewType itemType, params int[] dimensions)
        : base(itemType.RawType.MakeArrayType())
    {
        if (dimensions.Any(d => d <= 0)) throw new ArgumentOutOfRangeException(nameof(dimensions), "vector dimensions must be positive");
        ItemType = itemType;
        Dimensions = dimensions.ToArray();
        Size = dimensions.Length == 0 ? 0 : checked(dimensions.Aggregate(1, (a, b) => a * b));
    }

    /// <summary>The type of the items.</summary>
    public NumberDataViewType ItemType { get; }

    /// <summary>The shape; empty when the size varies.</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The number of items, or 0 when it varies.</summary>
    public int Size { get; }

    /// <summary>True when every row has <see cref="Size"/> items.</summary>
    public bool IsKnownSize => Size > 0;

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) =>
        other is VectorDataViewType v && v.ItemType.Equals(ItemType) && v.Dimensions.SequenceEqual(Dimensions);

    /// <inheritdoc/>
    public override string ToString() =>
        IsKnownSize ? $"Vector<{ItemType}, {string.Join(", ", Dimensions)}>" : $"Vector<{ItemType}>";
}

/// <summary>
/// A decoded image (<see cref="ImageData"/>). Height and width are 0 when they vary by row (a folder of
/// images of different sizes; a resize makes them known); channels is 0 when it varies (decoding "as stored").
/// </summary>
public sealed class ImageDataViewType : DataViewType
{
    /// <summary>An image type of the given size (0, 0: varies) and channel count (0: varies).</summary>
    public ImageDataViewType(int height = 0, int width = 0, int channels = 0) : base(typeof(ImageData))
    {
        if (height < 0 || width < 0 || (height == 0) != (width == 0))
            throw new ArgumentOutOfRangeException(nameof(height), "image height and width are both positive, or both 0 (varying)");
        if (channels is not (0 or 1 or 3 or 4)) throw new ArgumentOutOfRangeException(nameof(channels), "images have 1, 3 or 4 channels (0: varies)");
        (Height, Width, Channels) = (height, width, channels);
    }

    /// <summary>The height in pixels, or 0 when it varies.</summary>
    public int Height { get; }

    /// <summary>The width in pixels, or 0 when it varies.</summary>
    public int Width { get; }

    /// <summary>1, 3 or 4 channels, or 0 when it varies.</summary>
    public int Channels { get; }

    /// <summary>True when every image has the same size.</summary>
    public bool IsKnownSize => Height > 0;

    /// <summary>This type with another size.</summary>
    public ImageDataViewType WithSize(int height, int width) => new(height, width, Channels);

    /// <summary>This type with another channel count.</summary>
    public ImageDataViewType WithChannels(int channels) => new(Height, Width, channels);

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => other is ImageDataViewType i && i.Height == Height && i.Width == Width && i.Channels == Channels;

    /// <inheritdoc/>
    public override string ToString() =>
        "Image" + (IsKnownSize || Channels > 0 ? $"<{(IsKnownSize ? $"{Height}x{Width}" : "?x?")}{(Channels > 0 ? $"x{Channels}" : "")}>" : "");
}
