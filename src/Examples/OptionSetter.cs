using System.Globalization;
using System.Reflection;

namespace ML.Generative.Cli;

/// <summary>
/// <c>--set key=value</c>: sets a property of an options record by name (case-insensitive; a dotted key reaches a
/// nested record, e.g. <c>optimizer.learningRate=2e-4</c>). Values are parsed by the property's type; a wrong key
/// lists the keys there are.
/// </summary>
internal static class OptionSetter
{
    internal static T Apply<T>(T options, IEnumerable<string> assignments) where T : class
    {
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"--set '{assignment}': expected key=value");
            options = (T)Set(options, assignment[..eq].Trim(), assignment[(eq + 1)..].Trim(), assignment[..eq].Trim());
        }
        return options;
    }

    // Records are immutable: each level is cloned (the compiler's <Clone>$) and the copy is changed.
    private static object Set(object target, string key, string value, string fullKey)
    {
        var dot = key.IndexOf('.');
        var name = dot < 0 ? key : key[..dot];
        var property = Settable(target.GetType()).FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--set {fullKey}: {target.GetType().Name} has no option '{name}'; its options: " +
                                           string.Join(", ", Settable(target.GetType()).Select(p => Camel(p.Name))));
        var copy = Clone(target);
        object? newValue;
        if (dot < 0) newValue = Parse(property.PropertyType, value, fullKey);
        else
        {
            var inner = property.GetValue(target) ?? throw new ArgumentException($"--set {fullKey}: '{name}' is not set, so it has no options to change");
            newValue = Set(inner, key[(dot + 1)..], value, fullKey);
        }
        property.SetValue(copy, newValue);
        return copy;
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.Name != "EqualityContract");

    private static object Clone(object record) =>
        record.GetType().GetMethod("<Clone>$")?.Invoke(record, null) ?? throw new ArgumentException($"{record.GetType().Name} cannot be copied");

    private static object? Parse(Type type, string text, string key)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
            return text.Equals("null", StringComparison.OrdinalIgnoreCase) || text.Length == 0 ? null : Parse(underlying, text, key);
        try
        {
            if (type == typeof(string)) return text;
            if (type == typeof(bool))
                return text.ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" or "on" => true,
                    "false" or "0" or "no" or "off" => false,
                    _ => throw new FormatException(),
                };
            if (type.IsEnum)
            {
                var match = Enum.GetNames(type).FirstOrDefault(n => n.Equals(text.Replace("-", ""), StringComparison.OrdinalIgnoreCase))
                    ?? throw new ArgumentException($"--set {key}={text}: expected one of {string.Join(", ", Enum.GetNames(type))}");
                return Enum.Parse(type, match);
            }
            if (type == typeof(int)) return int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(long)) return long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(double)) return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (type == typeof(float)) return float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentException($"--set {key}={text}: '{text}' is not a valid {Describe(type)}");
        }
        throw new ArgumentException($"--set {key}: options of type {type.Name} cannot be set from the command line");
    }

    private static string Describe(Type type) =>
        type == typeof(int) || type == typeof(long) ? "whole number" : type == typeof(bool) ? "true/false value" : "number";

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
