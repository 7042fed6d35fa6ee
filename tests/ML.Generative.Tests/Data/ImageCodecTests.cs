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
    private static int[] Samples(ImageData img) => img.Pixels is not null ? img.Pixels.Select(b => (int)b).ToArray() : img.Pixels16!.Select(v => (int)v).ToArray();

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

    // An independent PNG writer (Python's zlib, every row filter 0-4 in turn, optional Adam7 and tRNS) and its samples.
    private const string PngWriter = """
import sys, json, zlib, struct, random
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def filt(ft, row, prev, bpp):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if ft == 0: p = 0
        elif ft == 1: p = a
        elif ft == 2: p = b
        elif ft == 3: p = (a + b) // 2
        else:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out[i] = (row[i] - p) & 255
    return bytes(out)
path, ct, depth, interlace, trns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
w, h = 11, 7
c = {0: 1, 2: 3, 4: 2, 6: 4}[ct]; nb = depth // 8; bpp = c * nb
rnd = random.Random(ct * 100 + depth + interlace)
samples = [rnd.randrange(1 << depth) for _ in range(w * h * c)]
if trns >= 0: samples[5] = samples[17] = trns
passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] if interlace else [(0, 0, 1, 1)]
raw = bytearray(); n = 0
for x0, y0, dx, dy in passes:
    xs, ys = range(x0, w, dx), range(y0, h, dy)
    if not xs or not ys: continue
    prev = bytes(len(xs) * bpp)
    for y in ys:
        row = b''.join(samples[(y * w + x) * c + k].to_bytes(nb, 'big') for x in xs for k in range(c))
        ft = n % 5; n += 1
        raw += bytes([ft]) + filt(ft, row, prev, bpp); prev = row
extra = chunk(b'tRNS', trns.to_bytes(2, 'big')) if trns >= 0 else b''
with open(path, 'wb') as f:
    f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, depth, ct, 0, 0, interlace)) + extra
            + chunk(b'IDAT', zlib.compress(bytes(raw))) + chunk(b'IEND', b''))
print(json.dumps(samples))
""";

    private static (string Path, int[] Samples) WritePng(int colorType, int depth, bool interlaced, int trns = -1)
    {
        var path = Path.Combine(DataTestKit.TempDir(), $"ct{colorType}_{depth}_{interlaced}.png");
        var samples = JsonSerializer.Deserialize<int[]>(DataTestKit.Python(PngWriter, path, colorType.ToString(), depth.ToString(), interlaced ? "1" : "0", trns.ToString()))!;
        return (path, samples);
    }

    [Theory]
    [InlineData(0, 16, false)]
    [InlineData(0, 16, true)]
    [InlineData(2, 16, false)]
    [InlineData(2, 16, true)]
    [InlineData(4, 16, false)]
    [InlineData(4, 16, true)]
    [InlineData(6, 16, false)]
    [InlineData(6, 16, true)]
    [InlineData(0, 8, true)]
    [InlineData(2, 8, true)]
    [InlineData(4, 8, true)]
    [InlineData(6, 8, true)]
    public void Pngs_OfEveryColourTypeAndFilter_InterlacedOrNot_DecodeExactly(int colorType, int depth, bool interlaced)
    {
        var (path, samples) = WritePng(colorType, depth, interlaced);
        // Gray+alpha is asked for as RGBA (gray repeated), so the exact samples stay comparable.
        var img = ImageCodec.Load(path, colorType == 4 ? new ImageDecodeOptions { ColorMode = ImageColorMode.Rgba } : null);
        var expected = colorType == 4 ? samples.Chunk(2).SelectMany(p => new[] { p[0], p[0], p[0], p[1] }).ToArray() : samples;
        Assert.Equal((11, 7, depth), (img.Width, img.Height, img.BitDepth));
        Assert.Equal(expected, Samples(img));
    }

    [Fact]
    public void SixteenBitGray_WithATransparentColour_GetsAlpha()
    {
        var (path, samples) = WritePng(0, 16, false, trns: 1234);
        var img = ImageCodec.Load(path, new ImageDecodeOptions { ColorMode = ImageColorMode.Rgba });
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(samples[i], img[i / 11, i % 11, 0]);
            Assert.Equal(samples[i] == 1234 ? 0 : 65535, img[i / 11, i % 11, 3]);
        }
        // Auto: gray+alpha composited on white, so the keyed pixels turn white.
        Assert.Equal(65535, ImageCodec.Load(path)[0, 5, 0]);
    }

    [Fact]
    public void BrokenSixteenBitPngs_GiveTheFileAndTheReason()
    {
        var (path, _) = WritePng(2, 16, false);
        var bytes = File.ReadAllBytes(path);
        var cut = path + ".cut.png";
        File.WriteAllBytes(cut, bytes[..(bytes.Length - 30)]);
        var e = Assert.Throws<ImageDecodeException>(() => ImageCodec.Load(cut));
        Assert.Contains(cut, e.Message);
        var flipped = (byte[])bytes.Clone();
        flipped[60] ^= 1;  // inside IDAT
        var e2 = Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(flipped, "flipped.png"));
        Assert.Contains("CRC", e2.Reason);
    }

    [Fact]
    public void EmptyAndOversizedFiles_AreRejectedBeforeDecoding()
    {
        Assert.Equal("the file is empty", Assert.Throws<ImageDecodeException>(() => ImageCodec.Decode(ReadOnlySpan<byte>.Empty, "e.png")).Reason);
        var small = new ImageDecodeOptions { MaxPixels = 100 };
        foreach (var name in new[] { "rgb.png", "gray16.png", "rgb.jpg", "rgb.bmp" })
            Assert.Contains("exceeds the limit of 100", Assert.Throws<ImageDecodeException>(() => ImageCodec.Load(pil.Path(name), small)).Reason);
    }

    [Theory]
    [InlineData("rgb.png", 3)]
    [InlineData("rgba.png", 4)]
    [InlineData("gray.png", 1)]
    public void OurBmp_DecodesInPilAndHereToTheSamePixels(string name, int channels)
    {
        var img = ImageCodec.Load(pil.Path(name));
        var path = Path.Combine(DataTestKit.TempDir(), "ours.bmp");
        File.WriteAllBytes(path, ImageCodec.EncodeBmp(img));
        var mode = channels == 4 ? "RGBA" : "RGB";
        var read = JsonSerializer.Deserialize<int[]>(DataTestKit.Python(
            "import sys,json\nfrom PIL import Image\nim=Image.open(sys.argv[1])\nassert im.mode==sys.argv[2], im.mode\nprint(json.dumps([c for p in im.getdata() for c in p]))", path, mode))!;
        var expected = channels == 1 ? img.Pixels!.SelectMany(g => new int[] { g, g, g }).ToArray() : Samples(img);
        Assert.Equal(expected, read);
        var back = ImageCodec.Load(path);
        Assert.Equal(channels == 4 ? 4 : 3, back.Channels);
        Assert.Equal(expected, Samples(back));
    }

    [Fact]
    public void Gif_DecodesTheFirstFrame()
    {
        var dir = DataTestKit.TempDir();
        var read = JsonSerializer.Deserialize<int[][]>(DataTestKit.Python("""
import sys, json
from PIL import Image
d = sys.argv[1]
a = Image.new('RGB', (13, 9)); a.putdata([(x * 19 % 256, y * 28 % 256, 40) for y in range(9) for x in range(13)])
b = Image.new('RGB', (13, 9), (200, 10, 10))
a.save(d + '/anim.gif', save_all=True, append_images=[b], duration=100)
im = Image.open(d + '/anim.gif'); assert im.n_frames == 2
print(json.dumps([[c for p in im.convert('RGB').getdata() for c in p]]))
""", dir))!;
        var img = ImageCodec.Load(Path.Combine(dir, "anim.gif"), new ImageDecodeOptions { ColorMode = ImageColorMode.Rgb });
        Assert.Equal((13, 9, 3), (img.Width, img.Height, img.Channels));
        Assert.Equal(read[0], Samples(img));
        Assert.Equal(3, ImageCodec.Load(Path.Combine(dir, "anim.gif")).Channels);  // no transparency: stored as RGB
    }

    [Fact]
    public void SavePng_WritesTheFileAtomically_AndReadsBack()
    {
        var img = ImageCodec.Load(pil.Path("rgba.png"));
        var path = Path.Combine(DataTestKit.TempDir(), "saved.png");
        ImageCodec.SavePng(img, path);
        Assert.Equal(Samples(img), Samples(ImageCodec.Load(path)));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));  // no temporary file left behind
        var sixteen = ImageCodec.Load(pil.Path("gray16.png"));
        var eight = ImageCodec.Decode(ImageCodec.EncodePng(sixteen));
        Assert.Equal(sixteen.Pixels16!.Select(v => (v + 128) / 257), eight.Pixels!.Select(b => (int)b));
    }

    [Fact]
    public void ModeConversions_OfDecodedFiles_AgreeWithTheStoredPixels()
    {
        var rgb = pil.Pixels["rgb.png"];
        var asRgba = ImageCodec.Load(pil.Path("rgb.png"), new ImageDecodeOptions { ColorMode = ImageColorMode.Rgba });
        Assert.Equal(rgb.Chunk(3).SelectMany(p => p.Append(255)).ToArray(), Samples(asRgba));
        var gray = pil.Pixels["gray.png"];
        Assert.Equal(gray.SelectMany(g => new[] { g, g, g }).ToArray(), Samples(ImageCodec.Load(pil.Path("gray.png"), new ImageDecodeOptions { ColorMode = ImageColorMode.Rgb })));
        // Gray+alpha dropped keeps the gray as stored; PIL's LA decode holds (gray, alpha) pairs.
        var la = pil.Pixels["la.png"];
        var dropped = ImageCodec.Load(pil.Path("la.png"), new ImageDecodeOptions { ColorMode = ImageColorMode.Gray, Alpha = AlphaHandling.Drop });
        Assert.Equal(la.Where((_, i) => i % 2 == 0).ToArray(), Samples(dropped));
        var laRgba = ImageCodec.Load(pil.Path("la.png"), new ImageDecodeOptions { ColorMode = ImageColorMode.Rgba });
        Assert.Equal(la.Chunk(2).SelectMany(p => new[] { p[0], p[0], p[0], p[1] }).ToArray(), Samples(laRgba));
    }

    [Fact]
    public void Rgba_RoundTripsUnpremultiplied_EvenWhereAlphaIsZero()
    {
        var px = new byte[] { 200, 100, 50, 0, 200, 100, 50, 1, 10, 20, 30, 128, 255, 255, 255, 255 };
        var img = ImageCodec.Decode(ImageCodec.EncodePng(new ImageData(2, 2, 4, px)), "mem", new ImageDecodeOptions { ColorMode = ImageColorMode.Rgba });
        Assert.Equal(px, img.Pixels);
        var bmp = ImageCodec.Decode(ImageCodec.EncodeBmp(new ImageData(2, 2, 4, px)), "mem");
        Assert.Equal(px, bmp.Pixels);
    }
}
