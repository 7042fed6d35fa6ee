namespace ML.Generative;

/// <summary>Saving fitted pipelines to a model zip and loading them back.</summary>
public sealed partial class ModelOperationsCatalog : CatalogBase
{
    internal ModelOperationsCatalog(GenerativeContext context) : base(context) { }
}
