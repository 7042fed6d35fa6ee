using ML.Generative.Torch.Serialization;
using static ML.Generative.Torch.torch;

// In the torch namespace (not Serialization) so module.save / module.load sit where TorchSharp users look for them.
namespace ML.Generative.Torch;

/// <summary>TorchSharp's <c>module.save(path)</c> / <c>module.load(path)</c>, storing the state dict as safetensors.</summary>
public static class ModuleSerializationExtensions
{
    /// <summary>Writes the module's state dict (parameters and persistent buffers) to <paramref name="path"/>
    /// as safetensors, atomically. Returns the module.</summary>
    public static T save<T>(this T module, string path, IReadOnlyDictionary<string, string>? metadata = null) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        SafeTensors.Save(path, module.state_dict(), metadata);
        return module;
    }

    /// <summary>Copies the tensors of a safetensors file into the module's parameters and buffers through
    /// <see cref="nn.Module.load_state_dict"/>: with <paramref name="strict"/> the keys must match exactly; shapes
    /// must always match; nothing is changed when they do not. Returns the module.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="ArgumentException">The file's keys or shapes do not fit the module.</exception>
    public static T load<T>(this T module, string path, bool strict = true) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        var tensors = SafeTensors.Load(path);
        try
        {
            module.load_state_dict(tensors, strict);
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
