using ML.Generative.Data.Transforms;
using ML.Generative.Models.VaeGan;
using TorchSharp;
using static TorchSharp.torch;

namespace ML.Generative.Models.Sampling;

/// <summary>
/// New images in [0, 1] from a fitted pipeline (e.g. one loaded from a model zip): its generative stage samples
/// them in the normalisation it was trained on, and the stage that made its input column is inverted —
/// <c>NormalizePixels</c> by its own inverse, <c>ExtractPixels</c> by undoing its scale and offset; a column that
/// came straight from the data is taken to be in [0, 1]. Results are clamped to [0, 1]. Nothing is written to disk.
/// </summary>
public sealed class ImageSampler
{
    private readonly AutoencoderTransformer generator;
    private readonly Func<Tensor, Tensor> toUnitRange;

    private ImageSampler(AutoencoderTransformer generator, Func<Tensor, Tensor> toUnitRange) =>
        (this.generator, this.toUnitRange) = (generator, toUnitRange);

    /// <summary>(C, H, W) of the images.</summary>
    public long[] ImageShape => generator.ImageShape;

    /// <summary>The sampler of <paramref name="model"/>: a transformer chain whose last generative stage is used, or
    /// that stage itself.</summary>
    /// <exception cref="ArgumentException">The model has no stage that can sample images.</exception>
    public static ImageSampler FromModel(ITransformer model)
    {
        var (stages, index) = AutoencoderTransformer.LastStageIn(model);
        if (index < 0)
            throw new ArgumentException($"the model has no generative stage that samples images (stages: {string.Join(", ", stages.Select(s => s.GetType().Name))})");
        var generator = (AutoencoderTransformer)stages[index];
        return new ImageSampler(generator, ToUnitRange(stages.Take(index).ToList(), generator.Options.InputColumn));
    }

    /// <summary><paramref name="count"/> images <c>[count, C, H, W]</c> in [0, 1] on the CPU; the same seed gives the same
    /// images. The caller disposes the tensor.</summary>
    /// <param name="count">How many images.</param>
    /// <param name="seed">The same seed gives the same images.</param>
    /// <param name="skipSampling">U-Net VAE-GAN only: where skip features come from (null: the model's options).</param>
    public Tensor Sample(int count, long seed, SkipSampling? skipSampling = null)
    {
        using var scope = NewDisposeScope();
        var images = generator.SampleTensor(count, seed, skipSampling).to(CPU);
        return toUnitRange(images).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>A source of successive batches for <c>ctx.Evaluate.ExtractFeatures(generator, count, …)</c>: call k samples
    /// with a seed derived from (<paramref name="seed"/>, k), so batches differ and a run is reproducible.</summary>
    public Func<int, Tensor> Batches(long seed, SkipSampling? skipSampling = null)
    {
        var batch = 0L;
        return n => Sample(n, BatchSeed(seed, batch++), skipSampling);
    }

    /// <summary>True when the model's decoder also takes skip features (U-Net VAE-GAN).</summary>
    public bool UsesSkips => generator.UsesSkips;

    // SplitMix64's finaliser over (seed, batch): nearby seeds and batch numbers give unrelated generator seeds.
    private static long BatchSeed(long seed, long batch)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)batch + 1);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((long)(z ^ (z >> 31)));
    }

    // The map from the generator's values back to [0, 1], from the stage that produced its input column.
    private static Func<Tensor, Tensor> ToUnitRange(IReadOnlyList<ITransformer> before, string column)
    {
        for (var i = before.Count - 1; i >= 0; i--)
        {
            switch (before[i])
            {
                case NormalizePixelsTransformer n when n.Settings.OutputColumn == column:
                    return n.Inverse;
                case PixelExtractingTransformer e when e.Settings.OutputColumn == column:
                    var (scale, offset) = (e.Settings.Scale * 255.0, e.Settings.Offset);
                    return x => (x - offset) / scale;
            }
        }
        return x => x.alias();
    }
}
