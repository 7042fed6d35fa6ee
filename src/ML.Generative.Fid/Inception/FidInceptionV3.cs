using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Fid.Inception;

/// <summary>
/// Inception-v3 exactly as pytorch-fid builds it for FID: torchvision's Inception3 with 1008 classes and the
/// FID blocks (Mixed_5b–5d FIDInceptionA, 6b–6e FIDInceptionC, 7b FIDInceptionE_1, 7c FIDInceptionE_2).
/// Input (B, 3, H, W) RGB or (B, 1, H, W) gray (repeated to RGB) in [0, 1]; it is resized to 299x299 (bilinear, align_corners = false, no
/// antialiasing) and mapped to [−1, 1] inside. Output blocks, each pooled to (B, C) by a spatial mean:
/// 0 → 64 (after the first max pool), 1 → 192, 2 → 768, 3 → 2048 (the FID features). State-dict keys are
/// Inception3's (<c>Conv2d_1a_3x3.conv.weight</c>, …, <c>fc.weight</c>), as in pytorch-fid's weight file.
/// </summary>
public sealed class FidInceptionV3 : nn.Module
{
    /// <summary>Feature dimensions of output blocks 0–3.</summary>
    public static readonly int[] BlockDimensions = { 64, 192, 768, 2048 };

    private readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    private readonly FidInceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    private readonly InceptionB Mixed_6a;
    private readonly FidInceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    private readonly InceptionD Mixed_7a;
    private readonly FidInceptionE Mixed_7b, Mixed_7c;
    private readonly Linear fc;

    public FidInceptionV3() : base("FidInceptionV3")
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        Mixed_5b = new FidInceptionA(192, 32);
        Mixed_5c = new FidInceptionA(256, 64);
        Mixed_5d = new FidInceptionA(288, 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new FidInceptionC(768, 128);
        Mixed_6c = new FidInceptionC(768, 160);
        Mixed_6d = new FidInceptionC(768, 160);
        Mixed_6e = new FidInceptionC(768, 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new FidInceptionE(1280, maxPool: false);
        Mixed_7c = new FidInceptionE(2048, maxPool: true);
        fc = nn.Linear(2048, 1008);
        RegisterComponents();
        eval();
    }

    /// <summary>The input size the network was built for; other sizes are resized to it.</summary>
    public const int InputSize = 299;

    // Set by PrepareForInference: the 2x−1 input map is folded into the first convolution, and inputs are laid
    // out channels-last before the first layer.
    private bool inputMapFolded, channelsLastInput;

    /// <summary>Pooled features of the requested output blocks (each (B, dim)), and the 1008 logits when asked.
    /// <paramref name="images"/> are (B, 3, H, W) RGB, or (B, 1, H, W) gray (repeated to RGB), in [0, 1].
    /// Runs without gradients; the network stays in eval mode.</summary>
    public (Tensor[] blocks, Tensor? logits) Forward(Tensor images, IReadOnlyCollection<int> outputBlocks, bool logits = false) =>
        Forward(images, outputBlocks, logits, observe: null);

    /// <summary>As the public Forward; <paramref name="observe"/> sees each Inception3 module's output by name
    /// (<c>Conv2d_1a_3x3</c> … <c>Mixed_7c</c>) and the unpooled maps of blocks 0–2 (<c>block0</c> …), for
    /// comparing layer by layer with pytorch-fid.</summary>
    internal (Tensor[] blocks, Tensor? logits) Forward(Tensor images, IReadOnlyCollection<int> outputBlocks, bool logits, Action<string, Tensor>? observe)
    {
        if (images.Dimensions != 4 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"Inception expects images (B, 3, H, W) RGB or (B, 1, H, W) gray, in [0, 1], got ({string.Join(", ", images.shape)})", nameof(images));
        if (outputBlocks.Any(b => b is < 0 or > 3)) throw new ArgumentOutOfRangeException(nameof(outputBlocks), "output blocks are 0, 1, 2 and 3");
        var last = logits ? 3 : outputBlocks.Max();
        var results = new Tensor?[4];
        Tensor? logit = null;
        // Each activation is freed as soon as the next layer has consumed it, as in PyTorch, rather than when the
        // scope ends: the stem's maps alone are about 19 MB per image, and holding them all multiplies peak memory
        // and the fresh pages every batch has to fault in.
        using (inference_mode())
        using (var scope = NewDisposeScope())
        {
            var x = Prologue(images);
            // block 0
            foreach (var (name, m) in new[] { ("Conv2d_1a_3x3", Conv2d_1a_3x3), ("Conv2d_2a_3x3", Conv2d_2a_3x3), ("Conv2d_2b_3x3", Conv2d_2b_3x3) })
                x = Run(name, m, x);
            x = Replace(x, F.max_pool2d(x, 3, 2));
            Keep(0, x);
            if (last >= 1)
            {
                x = Run("Conv2d_4a_3x3", Conv2d_4a_3x3, Run("Conv2d_3b_1x1", Conv2d_3b_1x1, x));
                x = Replace(x, F.max_pool2d(x, 3, 2));
                Keep(1, x);
            }
            if (last >= 2)
            {
                foreach (var (name, m) in new (string, nn.Module<Tensor, Tensor>)[] { ("Mixed_5b", Mixed_5b), ("Mixed_5c", Mixed_5c), ("Mixed_5d", Mixed_5d),
                             ("Mixed_6a", Mixed_6a), ("Mixed_6b", Mixed_6b), ("Mixed_6c", Mixed_6c), ("Mixed_6d", Mixed_6d), ("Mixed_6e", Mixed_6e) })
                    x = Run(name, m, x);
                Keep(2, x);
            }
            if (last >= 3)
            {
                x = Run("Mixed_7c", Mixed_7c, Run("Mixed_7b", Mixed_7b, Run("Mixed_7a", Mixed_7a, x)));
                var pooled = F.adaptive_avg_pool2d(x, 1).flatten(1);
                if (outputBlocks.Contains(3)) results[3] = pooled.alias().MoveToOuterDisposeScope();
                if (logits) logit = fc.forward(pooled).MoveToOuterDisposeScope();
            }

            void Keep(int block, Tensor t)
            {
                observe?.Invoke($"block{block}", t);
                if (outputBlocks.Contains(block)) results[block] = t.mean(new long[] { 2, 3 }).MoveToOuterDisposeScope();
            }
        }
        return (outputBlocks.Select(b => results[b]!).ToArray(), logit);

        Tensor Run(string name, nn.Module<Tensor, Tensor> module, Tensor input)
        {
            var y = module.forward(input);
            observe?.Invoke(name, y);
            return Replace(input, y);
        }

        // Frees `current` (never the caller's images) and returns `next`.
        Tensor Replace(Tensor current, Tensor next)
        {
            if (!ReferenceEquals(current, images)) current.Dispose();
            return next;
        }
    }

    // pytorch-fid's input handling: bilinear resize to 299x299 (align_corners = false, no antialiasing), gray
    // repeated to RGB, then 2x − 1. The resize is skipped at 299x299, where it is the identity (weights 1 and 0);
    // gray is repeated after resizing (the same values, a third of the work); once prepared, one copy lays the
    // batch out channels-last and 2x − 1 happens inside the first convolution. Returns `images` itself or a new
    // tensor, whose intermediates are already freed.
    internal Tensor Prologue(Tensor images)
    {
        var x = images;
        if (images.shape[2] != InputSize || images.shape[3] != InputSize)
            x = Replace(F.interpolate(images, new long[] { InputSize, InputSize }, mode: InterpolationMode.Bilinear, align_corners: false));
        if (x.shape[1] == 1) x = Replace(x.expand(-1, 3, -1, -1));
        if (channelsLastInput) x = Replace(ChannelsLast.To(x));
        return inputMapFolded ? x : Replace(x * 2 - 1);

        Tensor Replace(Tensor next)
        {
            if (!ReferenceEquals(x, images)) x.Dispose();
            return next;
        }
    }

    /// <summary>
    /// Readies the loaded network for fast inference: batch-norms folded into their convolutions, the 2x − 1 input
    /// map folded into the first one (it has no padding, so this is exact up to rounding), and, when
    /// <paramref name="channelsLast"/>, weights and inputs laid out channels-last (oneDNN's fast layout on the CPU).
    /// Call once, after <see cref="LoadWeights"/> and any device move; features change only by float rounding
    /// (the tests hold both paths to pytorch-fid's outputs).
    /// </summary>
    internal void PrepareForInference(bool channelsLast)
    {
        if (channelsLast) ChannelsLast.Apply(this);
        channelsLastInput = channelsLast;
        Conv2d_1a_3x3.FoldBatchNorm(inputScale: 2, inputShift: -1);
        foreach (var unit in modules().OfType<BasicConv2d>().Where(u => !u.IsFolded)) unit.FoldBatchNorm();
        inputMapFolded = true;
    }

    /// <summary>Loads weights by Inception3 key; <c>*.num_batches_tracked</c> may be absent (unused in eval mode).
    /// Missing, unexpected or mis-shaped keys are listed in the error, and nothing changes then.</summary>
    public void LoadWeights(IReadOnlyDictionary<string, Tensor> weights)
    {
        if (inputMapFolded) throw new InvalidOperationException("the network is already readied for inference with its weights folded; load weights into a new network");
        var own = state_dict();
        var missing = own.Keys.Where(k => !weights.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToList();
        var unexpected = weights.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new ArgumentException("the weights do not fit pytorch-fid's Inception-v3: " +
                (missing.Count > 0 ? $"{missing.Count} missing ({string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? ", ..." : "")}) " : "") +
                (unexpected.Count > 0 ? $"{unexpected.Count} unexpected ({string.Join(", ", unexpected.Take(8))}{(unexpected.Count > 8 ? ", ..." : "")})" : ""));
        ML.Generative.Serialization.StateDicts.LoadInto(this, weights, strict: false);
    }
}
