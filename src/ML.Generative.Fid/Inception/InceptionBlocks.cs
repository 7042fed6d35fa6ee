using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ML.Generative.Fid.Inception;

// The Inception-v3 mixed blocks (Szegedy et al. 2016, "Rethinking the Inception Architecture"), with the
// changes the FID network makes to match the TensorFlow graph FID was defined on: average pools exclude the
// padding (count_include_pad = false), and the last block pools its branch with a max pool.
// Field names are the state-dict keys of torchvision's Inception3.

/// <summary>Mixed_5b/5c/5d: 1x1, 5x5, double 3x3 and pooled branches. (B, C, 35, 35) → (B, 224 + pool, 35, 35).</summary>
internal sealed class FidInceptionA : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

    public FidInceptionA(long inChannels, long poolFeatures) : base("FIDInceptionA")
    {
        branch1x1 = new BasicConv2d(inChannels, 64, 1);
        branch5x5_1 = new BasicConv2d(inChannels, 48, 1);
        branch5x5_2 = new BasicConv2d(48, 64, 5, padding: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, padding: 1);
        branch_pool = new BasicConv2d(inChannels, poolFeatures, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b5 = BasicConv2d.Chain(x, branch5x5_1, branch5x5_2);
        var b3 = BasicConv2d.Chain(x, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3);
        var pool = branch_pool.forward(F.avg_pool2d(x, 3, 1, 1, count_include_pad: false));
        return cat(new[] { b1, b5, b3, pool }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>Mixed_6a: grid reduction 35 → 17. (B, 288, 35, 35) → (B, 768, 17, 17).</summary>
internal sealed class InceptionB : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    public InceptionB(long inChannels) : base("InceptionB")
    {
        branch3x3 = new BasicConv2d(inChannels, 384, 3, stride: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3.forward(x);
        var dbl = BasicConv2d.Chain(x, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3);
        var pool = F.max_pool2d(x, 3, 2);
        return cat(new[] { b3, dbl, pool }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>Mixed_6b..6e: factorised 7x7 branches (1x7 then 7x1). (B, 768, 17, 17) → (B, 768, 17, 17).</summary>
internal sealed class FidInceptionC : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3;
    private readonly BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branch_pool;

    public FidInceptionC(long inChannels, long c7) : base("FIDInceptionC")
    {
        branch1x1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7_2 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7_3 = new BasicConv2d(c7, 192, (7, 1), padding: (3, 0));
        branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7dbl_2 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_3 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7dbl_4 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_5 = new BasicConv2d(c7, 192, (1, 7), padding: (0, 3));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b7 = BasicConv2d.Chain(x, branch7x7_1, branch7x7_2, branch7x7_3);
        var dbl = BasicConv2d.Chain(x, branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5);
        var pool = branch_pool.forward(F.avg_pool2d(x, 3, 1, 1, count_include_pad: false));
        return cat(new[] { b1, b7, dbl, pool }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>Mixed_7a: grid reduction 17 → 8. (B, 768, 17, 17) → (B, 1280, 8, 8).</summary>
internal sealed class InceptionD : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    public InceptionD(long inChannels) : base("InceptionD")
    {
        branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2);
        branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3));
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0));
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = BasicConv2d.Chain(x, branch3x3_1, branch3x3_2);
        var b7 = BasicConv2d.Chain(x, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4);
        var pool = F.max_pool2d(x, 3, 2);
        return cat(new[] { b3, b7, pool }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>Mixed_7b (average-pooled branch) and Mixed_7c (max-pooled branch, the FID variant):
/// expanded filter banks. (B, C, 8, 8) → (B, 2048, 8, 8).</summary>
internal sealed class FidInceptionE : nn.Module<Tensor, Tensor>
{
    private readonly bool maxPool;
    private readonly BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b;
    private readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;

    public FidInceptionE(long inChannels, bool maxPool) : base(maxPool ? "FIDInceptionE_2" : "FIDInceptionE_1")
    {
        this.maxPool = maxPool;
        branch1x1 = new BasicConv2d(inChannels, 320, 1);
        branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var s = branch3x3_1.forward(x);
        var b3 = cat(new[] { branch3x3_2a.forward(s), branch3x3_2b.forward(s) }, 1);
        var d = BasicConv2d.Chain(x, branch3x3dbl_1, branch3x3dbl_2);
        var dbl = cat(new[] { branch3x3dbl_3a.forward(d), branch3x3dbl_3b.forward(d) }, 1);
        var pooled = maxPool ? F.max_pool2d(x, 3, 1, 1) : F.avg_pool2d(x, 3, 1, 1, count_include_pad: false);
        var pool = branch_pool.forward(pooled);
        return cat(new[] { b1, b3, dbl, pool }, 1).MoveToOuterDisposeScope();
    }
}
