namespace ML.Generative;

/// <summary>Image and pixel transforms: load, resize, grayscale, extract, normalize, flip.</summary>
public sealed partial class TransformsCatalog : CatalogBase
{
    internal TransformsCatalog(GenerativeContext context) : base(context) { }
}
