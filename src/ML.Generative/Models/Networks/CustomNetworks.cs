using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models.Networks;

/// <summary>What a custom network is built for: the images and the latent code of the model using it.</summary>
/// <param name="ImageChannels">Image channels (1 or 3).</param>
/// <param name="ImageSize">Image height and width.</param>
/// <param name="LatentSize">Size of the model's latent code.</param>
public sealed record NetworkShape(int ImageChannels, int ImageSize, int LatentSize);

/// <summary>Which part of a model a custom network replaces.</summary>
public enum NetworkRole
{
    /// <summary>(B, C, H, W) images → (B, …) features of any size; the model's own linear heads map the flattened
    /// features to the latent code (μ and log σ² for a VAE, the code for an AE or WAE).</summary>
    Encoder,

    /// <summary>(B, latent) codes → (B, C, H, W) images before the output activation, which the model applies.</summary>
    Decoder,
}

/// <summary>
/// TorchSharp modules of the user's own, by name, for a model's options to use instead of the built-in
/// convolutional encoder or decoder (<see cref="AutoencoderOptions.EncoderNetwork"/>,
/// <see cref="AutoencoderOptions.DecoderNetwork"/>). Options hold the name, not the module, so they stay plain
/// JSON and a saved model names what it needs: a process that loads the model registers the same name first
/// (as ML.NET's custom mappings do with their contract names). The module is created once per model, trained
/// with it, and its state-dict keys are saved under <c>encoder.</c> / <c>decoder.</c>.
/// </summary>
public static class CustomNetworks
{
    private static readonly ConcurrentDictionary<(NetworkRole, string), Func<NetworkShape, nn.Module<Tensor, Tensor>>> Factories = new();

    /// <summary>Registers (or replaces) the factory of a named network.</summary>
    public static void Register(NetworkRole role, string name, Func<NetworkShape, nn.Module<Tensor, Tensor>> create)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a custom network needs a name", nameof(name));
        ArgumentNullException.ThrowIfNull(create);
        Factories[(role, name)] = create;
    }

    /// <summary>Whether a network of that role and name is registered in this process.</summary>
    public static bool IsRegistered(NetworkRole role, string name) => Factories.ContainsKey((role, name));

    /// <summary>Builds the named network and checks its output against its role's contract, so a wrong shape is
    /// reported here, naming the network, rather than deep inside training.</summary>
    internal static nn.Module<Tensor, Tensor> Create(NetworkRole role, string name, NetworkShape shape)
    {
        if (!Factories.TryGetValue((role, name), out var create))
        {
            var known = Factories.Keys.Where(k => k.Item1 == role).Select(k => k.Item2).Order().ToList();
            throw new InvalidOperationException($"no {role.ToString().ToLowerInvariant()} network named '{name}' is registered in this process " +
                $"(call CustomNetworks.Register(NetworkRole.{role}, \"{name}\", …) before fitting or loading; registered: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        }
        var module = create(shape) ?? throw new InvalidOperationException($"the factory of {role.ToString().ToLowerInvariant()} network '{name}' returned null");
        var image = ImageBatch(shape);
        var got = DryRunShape(module, role == NetworkRole.Encoder ? image : new long[] { 2, shape.LatentSize });
        if (role == NetworkRole.Encoder && (got.Length < 2 || got[0] != 2))
            throw new ArgumentException($"encoder network '{name}' must map (B, {shape.ImageChannels}, {shape.ImageSize}, {shape.ImageSize}) to (B, …) features, but gave [{string.Join(", ", got)}] for B = 2");
        if (role == NetworkRole.Decoder && !got.SequenceEqual(image))
            throw new ArgumentException($"decoder network '{name}' must map (B, {shape.LatentSize}) codes to (B, {shape.ImageChannels}, {shape.ImageSize}, {shape.ImageSize}) images, but gave [{string.Join(", ", got)}] for B = 2");
        return module;
    }

    /// <summary>The number of features an encoder gives per image.</summary>
    internal static long FeatureCount(nn.Module<Tensor, Tensor> encoder, NetworkShape shape) =>
        DryRunShape(encoder, ImageBatch(shape)).Skip(1).Aggregate(1L, (a, b) => a * b);

    // Two images (batch norm in eval mode would take one, but a user's module may reduce over the batch).
    private static long[] ImageBatch(NetworkShape shape) => new long[] { 2, shape.ImageChannels, shape.ImageSize, shape.ImageSize };

    // One forward pass on zeros, in eval mode and without gradients, so batch norm's statistics stay untouched.
    private static long[] DryRunShape(nn.Module<Tensor, Tensor> module, long[] input)
    {
        var wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return module.forward(zeros(input)).shape;
        }
        finally
        {
            if (wasTraining) module.train();
        }
    }
}
