using System.Text.Json;
using ML.Generative.Data;

namespace ML.Generative.Tests.Data;

/// <summary>Images written by PIL (an independent encoder/decoder) once per test class.</summary>
public sealed class PilImages
{
    public string Dir { get; } = DataTestKit.TempDir();
    public Dictionary<string, int[]> Pixels { get; }

    // A smooth RGBA gradient, so JPEG's losses stay small; saved in several modes. PIL's own decode of every file
    // (flattened getdata) is the expected value.
    private const string Script = """
import sys, json
from PIL import Image
d = sys.argv[1]
w, h = 13, 9
rgba = Image.new('RGBA', (w, h))
rgba.putdata([(x * 19 % 256, y * 28 % 256, (x + y) * 11 % 256, (x * 37 + y * 5) % 256) for y in range(h) for x in range(w)])
rgba.save(d + '/rgba.png')
rgba.convert('RGB').save(d + '/rgb.png')
rgba.convert('L').save(d + '/gray.png')
rgba.convert('LA').save(d + '/la.png')
rgba.convert('RGB').save(d + '/rgb.jpg', quality=95)
rgba.convert('RGB').save(d + '/rgb.bmp')
i16 = Image.new('I;16', (w, h))
i16.putdata([(x * 5000 + y * 700) % 65536 for y in range(h) for x in range(w)])
i16.save(d + '/gray16.png')
up = rgba.convert('RGB').resize((29, 20), Image.BILINEAR)
out = {}
for name in ['rgba.png', 'rgb.png', 'gray.png', 'la.png', 'rgb.jpg', 'rgb.bmp', 'gray16.png']:
    im = Image.open(d + '/' + name)
    flat = []
    for p in im.getdata():
        flat.extend(p if isinstance(p, tuple) else (p,))
    out[name] = flat
out['rgb_from_rgba_gray'] = list(rgba.convert('RGB').convert('L').getdata())
out['resized_29x20'] = [c for p in up.getdata() for c in p]
print(json.dumps(out))
""";

    public PilImages()
    {
        Pixels = JsonSerializer.Deserialize<Dictionary<string, int[]>>(DataTestKit.Python(Script, Dir))!;
    }

    public string Path(string name) => System.IO.Path.Combine(Dir, name);
}

public class ImageCodecTests(PilImages pil) : IClassFixture<PilImages>
{
    private static int[] Samples(ImageData img) => img.Pixels != null ? img.Pixels.Select(b => (int)b).ToArray() : img.Pixels16!.Select(v => (int)v).ToArray();

    [Theory]
    [InlineData("rgb.png", 3)]
    [InlineData("rgba.png", 4)]
    [InlineData("gray.png", 1)]
    [InlineData("rgb.bmp", 3)]
    public void LosslessFilesFromPil_DecodeToPilsPixels(string name, int channels)
    {
        var img = ImageCodec.Load(pil.Path(name));
        Assert.Equal((13, 9, channels, 8), (img.Width, img.Height, img.Channels, img.BitDepth));
        Assert.Equal(pil.Pixels[name], Samples(img));
    }

    [Fact]
    public void SixteenBitPng_KeepsSixteenBitSamples()
    {
        var img = ImageCodec.Load(pil.Path("gray16.png"));
        Assert.Equal(16, img.BitDepth);
        Assert.Equal(65535f, img.MaxValue);
        Assert.Equal(pil.Pixels["gray16.png"], Samples(img));
        Assert.Contains(Samples(img), v => v > 255);  // really 16-bit, not rescaled to 8
    }

    [Fact]
    public void Jpeg_DecodesCloseToPil()
    {
        // Two JPEG decoders may round the inverse DCT differently; they agree to a few levels.
        var ours = Samples(ImageCodec.Load(pil.Path("rgb.jpg")));
        var theirs = pil.Pixels["rgb.jpg"];
        Assert.Equal(theirs.Length, ours.Length);
        var diffs = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.True(diffs.Max() <= 6, $"max difference {diffs.Max()}");
        Assert.True(diffs.Average() <= 1.5, $"mean difference {diffs.Average()}");
    }

    [Fact]
    public void OurPngAndJpeg_DecodeInPilToTheSamePixels()
    {
        var img = ImageCodec.Load(pil.Path("rgb.png"));
        var dir = DataTestKit.TempDir();
        File.WriteAllBytes(Path.Combine(dir, "ours.png"), ImageCodec.EncodePng(img));
        File.WriteAllBytes(Path.Combine(dir, "ours.jpg"), ImageCodec.EncodeJpeg(img, 95));
        var read = JsonSerializer.Deserialize<int[][]>(DataTestKit.Python(
            "import sys,json\nfrom PIL import Image\nprint(json.dumps([[c for p in Image.open(sys.argv[1]+f).convert('RGB').getdata() for c in p] for f in ('/ours.png','/ours.jpg')]))", dir))!;
        Assert.Equal(pil.Pixels["rgb.png"], read[0]);
        Assert.True(read[1].Zip(pil.Pixels["rgb.png"], (a, b) => Math.Abs(a - b)).Average() < 3);
    }

    [Fact]
    public void Alpha_IsCompositedOnTheBackground_OrDropped()
    {
        var rgba = pil.Pixels["rgba.png"];
        var composited = Samples(ImageCodec.Load(pil.Path("rgba.png"), new ImageDecodeOptions { ColorMode = ImageColorMode.Rgb, Background = (0, 0, 255) }));
        var dropped = Samples(ImageCodec.Load(pil.Path("rgba.png"), new ImageDecodeOptions { ColorMode = ImageColorMode.Rgb, Alpha = AlphaHandling.Drop }));
        for (var i = 0; i < 13 * 9; i++)
        {
            var a = rgba[4 * i + 3] / 255.0;
            int[] bg = { 0, 0, 255 };
            for (var k = 0; k < 3; k++)
            {
                Assert.Equal((int)Math.Round(rgba[4 * i + k] * a + bg[k] * (1 - a)), composited[3 * i + k], 1.0);
                Assert.Equal(rgba[4 * i + k], dropped[3 * i + k]);
            }
        }
    }

    [Fact]
    public void GrayConversion_MatchesPilWithinOneLevel()
    {
        var ours = Samples(ImageCodec.Load(pil.Path("rgb.png"), new ImageDecodeOptions { ColorMode = ImageColorMode.Gray }));
        Assert.All(ours.Zip(pil.Pixels["rgb_from_rgba_gray"]), p => Assert.InRange(p.First - p.Second, -1, 1));
        // Gray+alpha files come out gray in Auto mode.
        Assert.Equal(1, ImageCodec.Load(pil.Path("la.png")).Channels);
    }

    [Fact]
    public void CorruptFiles_GiveTheFileAndTheDecodersReason()
    {
        var dir = DataTestKit.TempDir();
        var truncated = Path.Combine(dir, "cut.png");
        File.WriteAllBytes(truncated, File.ReadAllBytes(pil.Path("rgb.png"))[..60]);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Load(truncated));
        Assert.Contains(truncated, e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        var text = Path.Combine(dir, "notes.png");
        File.WriteAllText(text, "this is not an image");
        var e2 = Assert.Throws<ImageDecodeException>(() => ImageCodec.Load(text));
        Assert.Contains(text, e2.Message);
        Assert.Contains("decod", e2.Message);
    }
}
