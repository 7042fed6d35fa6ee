using System.Buffers.Binary;
using System.Globalization;

namespace ML.Generative.Reporting;

/// <summary>How the report writes numbers and durations, and what it reads from a PNG header.</summary>
public static class ReportFormat
{
    private static readonly byte[] PngSignature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary>A metric value: four decimals under 10 (AUROC 0.9312), two up to 100,000 (FID 249.76),
    /// exponent form for tiny or huge values (KID 1.2e-4), "NaN"/"∞" spelled out.</summary>
    public static string Value(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "∞" : "−∞";
        var a = Math.Abs(value);
        if (a == 0) return "0";
        if (a < 1e-3 || a >= 1e5) return value.ToString("0.###e+0", CultureInfo.InvariantCulture);
        return value.ToString(a < 10 ? "F4" : "F2", CultureInfo.InvariantCulture);
    }

    /// <summary>A duration for people: "8.3 s", "2 min 05 s", "1 h 02 min".</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "n/a";
        if (seconds < 60) return seconds.ToString(seconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " s";
        var whole = (long)Math.Round(seconds);
        if (whole < 3600) return $"{whole / 60} min {whole % 60:00} s";
        return $"{whole / 3600} h {whole % 3600 / 60:00} min";
    }

    /// <summary>Width and height from a PNG's IHDR chunk.</summary>
    /// <exception cref="ArgumentException">The bytes do not start with a PNG signature and IHDR chunk.</exception>
    public static (int Width, int Height) PngSize(ReadOnlySpan<byte> png)
    {
        if (png.Length < 24 || !png[..8].SequenceEqual(PngSignature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
            throw new ArgumentException($"not a PNG image: expected the PNG signature and an IHDR chunk ({png.Length} bytes given)", nameof(png));
        var width = BinaryPrimitives.ReadInt32BigEndian(png.Slice(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.Slice(20, 4));
        if (width <= 0 || height <= 0) throw new ArgumentException($"PNG header gives a size of {width}x{height}", nameof(png));
        return (width, height);
    }
}
