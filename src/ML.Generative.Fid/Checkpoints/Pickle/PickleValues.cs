namespace ML.Generative.Fid.Checkpoints.Pickle;

/// <summary>A module-level name a pickle referred to with GLOBAL or STACK_GLOBAL (only whitelisted ones exist).</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>
/// A Python dict or OrderedDict, in insertion order. Keys are limited to str, int, float and bool, so
/// lookups are hashed and a hostile pickle cannot make setting items quadratic.
/// </summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object, object?>> _items = new();
    private readonly Dictionary<object, int> _index = new();

    public PickleDict(bool ordered) => IsOrdered = ordered;

    /// <summary>Whether this was built as collections.OrderedDict.</summary>
    public bool IsOrdered { get; }

    /// <summary>State set on the object by BUILD (an OrderedDict's attributes such as <c>_metadata</c>).</summary>
    public PickleDict? Attributes { get; set; }

    public IReadOnlyList<KeyValuePair<object, object?>> Items => _items;

    /// <summary>Sets a key as Python does: a new key goes last, an existing key keeps its place.</summary>
    /// <returns>False when the key is of an unsupported type.</returns>
    public bool Set(object? key, object? value)
    {
        if (key is not (string or long or System.Numerics.BigInteger or double or bool)) return false;
        if (_index.TryGetValue(key, out int at)) _items[at] = new(key, value);
        else
        {
            _index[key] = _items.Count;
            _items.Add(new(key, value));
        }
        return true;
    }

    public object? Get(object key) => _index.TryGetValue(key, out int at) ? _items[at].Value : null;
}

/// <summary>A MARK on the unpickler's stack.</summary>
internal sealed class PickleMark
{
    public static readonly PickleMark Instance = new();

    private PickleMark() { }
}
