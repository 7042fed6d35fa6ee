using static TorchSharp.torch;

namespace ML.Generative.Serialization;

/// <summary>A module's state dict to and from a safetensors file, with PyTorch's keys. Named apart from TorchSharp's
/// own <c>module.save</c> / <c>module.load</c>, which write TorchSharp's binary format (and, being instance
/// methods, would silently win over extension methods of the same name).</summary>
public static class ModuleSerializationExtensions
{
    /// <summary>Writes the module's state dict (parameters and persistent buffers) to <paramref name="path"/>
    /// as safetensors, atomically. Returns the module.</summary>
    public static T SaveSafeTensors<T>(this T module, string path, IReadOnlyDictionary<string, string>? metadata = null) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        SafeTensors.Save(path, module.state_dict(), metadata);
        return module;
    }

    /// <summary>Copies the tensors of a safetensors file into the module's parameters and buffers through
    /// <see cref="StateDicts.LoadInto"/>: with <paramref name="strict"/> the keys must match exactly; shapes
    /// must always match; nothing is changed when they do not. Returns the module.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="ArgumentException">The file's keys or shapes do not fit the module.</exception>
    public static T LoadSafeTensors<T>(this T module, string path, bool strict = true) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        var tensors = SafeTensors.Load(path);
        try
        {
            StateDicts.LoadInto(module, tensors, strict);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"'{path}' does not fit the module: {e.Message}", e);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        return module;
    }
}
