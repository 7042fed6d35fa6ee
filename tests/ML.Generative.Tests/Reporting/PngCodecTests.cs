namespace ML.Generative.Tests.Reporting;

public class PngCodecTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue() =>
        // The CRC-32 check value of the ASCII digits "123456789" is 0xCBF43926.
        Assert.Equal(0xCBF43926u, PngCodec.Crc32("123456789"u8));

    [Fact]
    public void Decode_ReadsAPillowFileWithSubAndPaethFilters()
    {
        // Written by Pillow 9.4 (rows use filters 1 and 4) from pixel (x, y) = ((21x + 3y) % 256, 25y % 256, (7xy + 40) % 256).
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAwAAAAKCAIAAAAPTiitAAAAV0lEQVR4nGNkYNAQZWDAj1iYJRmYGdjxI7giPjwIWZEoLoSmSAYb8sVUpAxDFnA2VkVazAyGzAxacIRVkSEawlRkATPJgpnBgpnBjZnBAo91FswM9hAEACyaDhKtmHTmAAAAAElFTkSuQmCC";
        var image = PngCodec.Decode(Convert.FromBase64String(png));
        Assert.Equal((12, 10), (image.Width, image.Height));
        for (var y = 0; y < 10; y++)
            for (var x = 0; x < 12; x++)
                Assert.Equal(((byte)((21 * x + 3 * y) % 256), (byte)(25 * y % 256), (byte)((7 * x * y + 40) % 256)), image.At(x, y));
    }

    [Fact]
    public void EncodeThenDecode_RoundTrips()
    {
        var png = PngCodec.EncodeRgb(7, 5, (x, y) => ((byte)(x * 30), (byte)(y * 50), (byte)(x ^ y)));
        var image = PngCodec.Decode(png);
        Assert.Equal(((byte)60, (byte)150, (byte)(2 ^ 3)), image.At(2, 3));
        Assert.Equal(7 * 5 * 4, image.Pixels.Length);
    }
}
