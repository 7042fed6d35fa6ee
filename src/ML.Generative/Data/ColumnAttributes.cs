using System.Linq.Expressions;
using System.Reflection;

namespace ML.Generative.Data;

/// <summary>Names the column a field or property maps to (default: the member's name).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ColumnNameAttribute(string name) : Attribute
{
    /// <summary>The column's name.</summary>
    public string Name { get; } = name;
}

/// <summary>Gives an array member a fixed vector shape, e.g. <c>[VectorType(1, 28, 28)]</c> for a gray 28x28 image.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class VectorTypeAttribute(params int[] dimensions) : Attribute
{
    /// <summary>The shape.</summary>
    public int[] Dimensions { get; } = dimensions;
}

/// <summary>Makes a <see cref="uint"/> member a class label with <paramref name="count"/> classes (0 .. count-1).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class KeyTypeAttribute(ulong count) : Attribute
{
    /// <summary>The number of classes.</summary>
    public ulong Count { get; } = count;
}

/// <summary>Gives an <see cref="ImageData"/> member a fixed size.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ImageTypeAttribute(int height, int width, int channels = 0) : Attribute
{
    /// <summary>1, 3 or 4 channels, or 0 when it varies.</summary>
    public int Channels { get; } = channels;
    /// <summary>Height in pixels.</summary>
    public int Height { get; } = height;
    /// <summary>Width in pixels.</summary>
    public int Width { get; } = width;
}

/// <summary>Leaves a field or property out of the columns.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class NoColumnAttribute : Attribute { }

/// <summary>How the public fields and properties of a class map to columns (shared by load and create).</summary>
internal sealed class ClassColumnMap<T>
{
    internal sealed record Member(string Column, DataViewType Type, MemberInfo Info, Type ValueType, bool CanWrite);

    internal static readonly ClassColumnMap<T> Instance = new();

    private ClassColumnMap()
    {
        var members = typeof(T).GetMembers(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m is FieldInfo or PropertyInfo { CanRead: true, GetMethod.IsPublic: true })
            .Where(m => m.GetCustomAttribute<NoColumnAttribute>() is null)
            .Where(m => m is not PropertyInfo p || p.GetIndexParameters().Length == 0)
            .OrderBy(m => m.MetadataToken);
        Members = members.Select(ToMember).ToArray();
        var dup = Members.GroupBy(m => m.Column).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"{typeof(T).Name}: two members map to column '{dup.Key}'");
        Schema = DataViewSchema.Create(Members.Select(m => (m.Column, m.Type)).ToArray());
    }

    internal Member[] Members { get; }
    internal DataViewSchema Schema { get; }

    private static Member ToMember(MemberInfo m)
    {
        var valueType = m is FieldInfo f ? f.FieldType : ((PropertyInfo)m).PropertyType;
        var name = m.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? m.Name;
        var canWrite = m is FieldInfo fi ? !fi.IsInitOnly : ((PropertyInfo)m).SetMethod?.IsPublic == true;
        return new Member(name, TypeOf(m, valueType, name), m, valueType, canWrite);
    }

    private static DataViewType TypeOf(MemberInfo m, Type t, string name)
    {
        if (m.GetCustomAttribute<KeyTypeAttribute>() is { } key)
            return t == typeof(uint) ? new KeyDataViewType(key.Count)
                : throw new ArgumentException($"{typeof(T).Name}.{m.Name}: [KeyType] needs a uint member, not {t.Name}");
        if (t == typeof(string)) return TextDataViewType.Instance;
        if (t == typeof(bool)) return BooleanDataViewType.Instance;
        if (t == typeof(ImageData))
        {
            var it = m.GetCustomAttribute<ImageTypeAttribute>();
            return new ImageDataViewType(it?.Height ?? 0, it?.Width ?? 0, it?.Channels ?? 0);
        }
        if (NumberDataViewType.FromType(t) is { } n) return n;
        if (t.IsArray && t.GetArrayRank() == 1 && NumberDataViewType.FromType(t.GetElementType()!) is { } item)
            return new VectorDataViewType(item, m.GetCustomAttribute<VectorTypeAttribute>()?.Dimensions ?? Array.Empty<int>());
        throw new ArgumentException($"{typeof(T).Name}.{m.Name} (column '{name}'): members of type {t.Name} cannot be columns " +
                                    "(supported: numbers, bool, string, number arrays, ImageData; [NoColumn] leaves a member out)");
    }

    internal static Func<T, TValue> Getter<TValue>(MemberInfo m)
    {
        var obj = Expression.Parameter(typeof(T));
        return Expression.Lambda<Func<T, TValue>>(Expression.MakeMemberAccess(obj, m), obj).Compile();
    }

    internal static Action<T, TValue> Setter<TValue>(MemberInfo m)
    {
        var obj = Expression.Parameter(typeof(T));
        var value = Expression.Parameter(typeof(TValue));
        return Expression.Lambda<Action<T, TValue>>(Expression.Assign(Expression.MakeMemberAccess(obj, m), value), obj, value).Compile();
    }
}
