using ML.Generative.Fid.Npz;

namespace ML.Generative.Fid.Tests.Npz;

public class NpyFormatTests
{
    private static NpyArray Read(byte[] bytes) => NpyFormat.Read(bytes, NpzReadOptions.Default, "t.npy");

    private static string Refused(byte[] bytes, NpzReadOptions? options = null) =>
        Assert.Throws<NpzFormatException>(() => NpyFormat.Read(bytes, options ?? NpzReadOptions.Default, "t.npy")).Message;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Versions_1_2_3_AreRead(int major)
    {
        var a = Read(NpyBytes.Make("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }", NpyBytes.Doubles(1.5, -2), major));
        Assert.Equal(new long[] { 2, 1 }, a.Shape);
        Assert.Equal(new[] { 1.5, -2 }, a.ToDoubleArray());
    }

    [Fact]
    public void Version3_HeaderIsUtf8()
    {
        // Version 3.0 exists for UTF-8 in headers; extra spacing and double quotes are valid Python too.
        var a = Read(NpyBytes.Make("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (1,)}  ", NpyBytes.Doubles(7), 3));
        Assert.Equal(new[] { 7.0 }, a.ToDoubleArray());
        Assert.Contains("UTF-8", Refused([.. NpyBytes.Make("{'descr': '<f8', ", [], 3)[..^1], 0xff, 0xfe]));
    }

    [Fact]
    public void Float32_Int64_AndScalars()
    {
        var f = Read(NpyBytes.Make("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", BitConverter.GetBytes(0.1f).Concat(BitConverter.GetBytes(-3f)).ToArray()));
        Assert.Equal(new[] { (double)0.1f, -3.0 }, f.ToDoubleArray());
        var n = Read(NpyBytes.Make("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", BitConverter.GetBytes(123456789012L)));
        Assert.Empty(n.Shape);
        Assert.Equal(new[] { 123456789012L }, n.ToInt64Array());
        var empty = Read(NpyBytes.Make("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", []));
        Assert.Equal(0, empty.ElementCount);
    }

    [Fact]
    public void FortranOrder_IsConvertedToCOrder()
    {
        // [[1,2,3],[4,5,6]] stored column by column.
        var a = Read(NpyBytes.Make("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", NpyBytes.Doubles(1, 4, 2, 5, 3, 6)));
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, a.ToDoubleArray());
        // 3-D: element (i,j,k) at i + 2j + 4k in Fortran order.
        var f = new double[2 * 2 * 2];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 2; k++) f[i + 2 * j + 4 * k] = 100 * i + 10 * j + k;
        var c = Read(NpyBytes.Make("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2, 2), }", NpyBytes.Doubles(f))).ToDoubleArray();
        Assert.Equal(new double[] { 0, 1, 10, 11, 100, 101, 110, 111 }, c);
    }

    [Theory]
    [InlineData("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", "'>f8' is not supported")]
    [InlineData("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", "not supported")]
    [InlineData("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", "unsupported value")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1), }", "not a tuple")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", "non-negative integer")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", "too large")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", "unsupported value")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': True}", "exactly the keys")]
    [InlineData("{'descr': '<f8', 'shape': (1,), }", "exactly the keys")]
    [InlineData("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }", "unsupported value")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } junk", "text after")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", "expected '}'")]
    [InlineData("{'descr': '<f\\x38', 'fortran_order': False, 'shape': (1,), }", "escapes")]
    public void BadHeaders_AreRefusedWithTheReason(string header, string reason)
    {
        Assert.Contains(reason, Refused(NpyBytes.Make(header, NpyBytes.Doubles(1))));
    }

    [Fact]
    public void BadPrefixes_Sizes_AndVersions_AreRefused()
    {
        var good = NpyBytes.Make("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", NpyBytes.Doubles(1, 2));
        Assert.Contains("needs 16 data bytes; the file has 8", Refused(good[..^8]));
        Assert.Contains("needs 16 data bytes; the file has 24", Refused([.. good, .. NpyBytes.Doubles(3)]));
        var v4 = (byte[])good.Clone();
        v4[6] = 4;
        Assert.Contains("version 4.0", Refused(v4));
        Assert.Contains("bad magic", Refused("\x93NUMPX"u8.ToArray()));
        for (int cut = 0; cut < good.Length; cut++) Refused(good[..cut]); // every truncation
        var huge = NpyBytes.Make("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }", []);
        Assert.Contains("limit", Refused(huge));
        var small = new NpzReadOptions { MaxHeaderBytes = 32 };
        Assert.Contains("header of", Refused(good, small));
        var lowRank = new NpzReadOptions { MaxRank = 1 };
        Assert.Contains("dimensions", Refused(NpyBytes.Make("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", NpyBytes.Doubles(1)), lowRank));
    }
}
