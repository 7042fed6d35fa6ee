using ML.Generative.Models.Autoencoder;
using ML.Generative.Models.Losses;
using ML.Generative.Models.Networks;
using ML.Generative.Models.Vae;
using ML.Generative.Models.VaeGan;
using ML.Generative.Models.Wae;
using ML.Generative.Training;

namespace ML.Generative.Models;

/// <summary>The parts one model family contributes: its networks, its training objective, and its view for
/// the fitted transformer. Everything else (fitting, transforming, saving) is shared.</summary>
internal sealed record FamilyParts(ITrainable Objective, IAutoencoderModel Model);

/// <summary>
/// The model families, keyed by their stable component kind (part of the model format: never rename one).
/// A kind resolves to its options type and its builder; the estimator, transformer and loader are shared.
/// </summary>
internal static class AutoencoderFamilies
{
    internal sealed record Family(string Kind, Type OptionsType, Func<AutoencoderOptions, ConvArchitecture, OutputActivation, FamilyParts> Build);

    internal static readonly IReadOnlyDictionary<string, Family> ByKind = new[]
    {
        new Family("mlgen.vae", typeof(VaeOptions), (o, a, act) => BuildVae((VaeOptions)o, a, act)),
        new Family("mlgen.ae", typeof(AeOptions), (o, a, act) => BuildAe((AeOptions)o, a, act)),
        new Family("mlgen.wae", typeof(WaeOptions), (o, a, act) => BuildWae((WaeOptions)o, a, act)),
        new Family("mlgen.vaegan", typeof(VaeGanOptions), (o, a, act) => BuildVaeGan((VaeGanOptions)o, a, act)),
    }.ToDictionary(f => f.Kind);

    internal static Family For(AutoencoderOptions options) =>
        ByKind.Values.FirstOrDefault(f => f.OptionsType == options.GetType())
        ?? throw new ArgumentException($"no model family takes options of type {options.GetType().Name}");

    private static FamilyParts BuildVae(VaeOptions o, ConvArchitecture arch, OutputActivation act)
    {
        var net = new VaeNetwork(arch, o.LatentSize, act, encoderNetwork: o.EncoderNetwork, decoderNetwork: o.DecoderNetwork);
        return new FamilyParts(new VaeObjective(net, o.ReconstructionLoss, o.Beta, o.KlWarmupFraction, o.Optimizer), new VaeModel(net, net));
    }

    private static FamilyParts BuildAe(AeOptions o, ConvArchitecture arch, OutputActivation act)
    {
        var net = new AutoencoderNetwork(arch, o.LatentSize, act, o.ShakeShakeBlocks, o.EncoderNetwork, o.DecoderNetwork);
        return new FamilyParts(new AutoencoderObjective(net, o.ReconstructionLoss, o.Optimizer), new CodeModel(net, net, o.Sampling, cacheSize: o.CachedLatents));
    }

    private static FamilyParts BuildWae(WaeOptions o, ConvArchitecture arch, OutputActivation act)
    {
        var ae = new AutoencoderNetwork(arch, o.LatentSize, act, encoderNetwork: o.EncoderNetwork, decoderNetwork: o.DecoderNetwork);
        if (o.Penalty == WaePenalty.Mmd)
            return new FamilyParts(new AutoencoderObjective(ae, o.ReconstructionLoss, o.Optimizer, new MmdPenalty(o.Lambda, o.Kernel, o.PriorVariance)),
                new CodeModel(ae, ae, null, o.PriorVariance));
        var net = new LatentAdversarialNetwork(ae, new LatentDiscriminator(o.LatentSize));
        return new FamilyParts(new LatentAdversarialObjective(net, o.ReconstructionLoss, o.Optimizer, o.DiscriminatorOptimizer, o.Lambda, o.PriorVariance),
            new CodeModel(net, ae, null, o.PriorVariance));
    }

    private static FamilyParts BuildVaeGan(VaeGanOptions o, ConvArchitecture arch, OutputActivation act)
    {
        var vae = new VaeNetwork(arch, o.LatentSize, act, o.UNet, o.EncoderNetwork, o.DecoderNetwork);
        var net = new VaeGanNetwork(vae, new ImageDiscriminator(arch.ImageChannels, arch.ImageSize, o.DiscriminatorWidth));
        var objective = new VaeGanObjective(net, o.Optimizer, o.DiscriminatorOptimizer, o.LambdaVae, o.LambdaGan, o.SkipNoise, o.ReconstructionLoss);
        return new FamilyParts(objective, new VaeModel(net, vae, o.SkipNoise, o.SkipSampling));
    }
}
