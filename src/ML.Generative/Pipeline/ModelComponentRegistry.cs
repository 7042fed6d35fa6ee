using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace ML.Generative.Pipeline;

/// <summary>
/// The components a model zip may name. A stage's kind from a file is looked up here and nowhere else:
/// no type name read from a file is ever instantiated. Built-in transforms are registered on first use;
/// model families register theirs (<see cref="Register"/>) in their static setup, companion packages
/// (ML.Generative.Fid) in their module initializer.
/// </summary>
public static partial class ModelComponentRegistry
{
    private static readonly ConcurrentDictionary<string, Func<ModelLoadContext, ITransformer>> loaders = new(StringComparer.Ordinal);

    static ModelComponentRegistry() => BuiltInComponents.RegisterAll();

    /// <summary>Registers the loader of <paramref name="kind"/>. Registering a kind twice with a different loader is an error.</summary>
    public static void Register(string kind, Func<ModelLoadContext, ITransformer> load)
    {
        if (!IsValidKind(kind)) throw new ArgumentException($"'{kind}' is not a valid component kind name", nameof(kind));
        var existing = loaders.GetOrAdd(kind, load);
        if (existing != load && existing.Method != load.Method)
            throw new InvalidOperationException($"component kind '{kind}' is already registered");
    }

    /// <summary>True when <paramref name="kind"/> has a loader.</summary>
    public static bool IsRegistered(string kind) => loaders.ContainsKey(kind);

    /// <summary>The registered kinds, sorted.</summary>
    public static IReadOnlyList<string> Kinds => loaders.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();

    internal static ITransformer Load(ModelLoadContext context)
    {
        Runtime.TorchRuntime.EnsureInitialized();
        if (!loaders.ContainsKey(context.Kind)) LoadCompanionPackage(context.Kind);
        return loaders.TryGetValue(context.Kind, out var load)
            ? load(context)
            : throw new InvalidDataException($"stage {context.StageIndex} has component kind '{context.Kind}', which this library does not know " +
                                             $"(known: {string.Join(", ", Kinds)}); a newer ML.Generative or the package defining it may be needed");
    }

    // Companion packages of this library register their kinds when their assembly initialises, which a process that
    // only loads a model zip may not have done yet. A kind with one of these prefixes loads that package by the
    // fixed name here (never a name read from the file) and runs its module initializer; if it is not installed
    // the kind stays unknown.
    private static readonly (string KindPrefix, string Assembly)[] CompanionPackages =
    {
        ("mlgen.fid.", "ML.Generative.Fid"),
    };

    private static void LoadCompanionPackage(string kind)
    {
        foreach (var (prefix, name) in CompanionPackages)
        {
            if (!kind.StartsWith(prefix, StringComparison.Ordinal)) continue;
            try
            {
                var assembly = Assembly.Load(new AssemblyName(name));
                RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            }
            catch (FileNotFoundException)
            {
                // Not installed: reported as an unknown kind.
            }
        }
    }

    internal static bool IsValidKind(string? kind) => kind is not null && KindName().IsMatch(kind);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex KindName();
}
