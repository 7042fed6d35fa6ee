using ML.Generative.Data.Transforms;

namespace ML.Generative.Pipeline;

/// <summary>The kinds of this library's own transforms, registered once in <see cref="ModelComponentRegistry"/>.
/// A kind name is part of the model format: never rename one.</summary>
internal static class BuiltInComponents
{
    internal static void RegisterAll()
    {
        ModelComponentRegistry.Register(ImageLoadingTransformer.Kind, ImageLoadingTransformer.Load);
        ModelComponentRegistry.Register(ImageResizingTransformer.Kind, ImageResizingTransformer.Load);
        ModelComponentRegistry.Register(ImageGrayscalingTransformer.Kind, ImageGrayscalingTransformer.Load);
        ModelComponentRegistry.Register(PixelExtractingTransformer.Kind, PixelExtractingTransformer.Load);
        ModelComponentRegistry.Register(NormalizePixelsTransformer.Kind, NormalizePixelsTransformer.Load);
        ModelComponentRegistry.Register(RandomHorizontalFlipTransformer.Kind, RandomHorizontalFlipTransformer.Load);
        foreach (var kind in Models.AutoencoderFamilies.ByKind.Keys)
            ModelComponentRegistry.Register(kind, Models.AutoencoderTransformer.Load);
    }
}
