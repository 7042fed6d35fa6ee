using System.IO.Compression;

namespace ML.Generative.Fid;

/// <summary>
/// Reads a zip archive from an untrusted source: bounded entry count and sizes, exact-length reads, and
/// every error of the zip library turned into the caller's own exception type.
/// </summary>
internal sealed class SafeZip : IDisposable
{
    private readonly ZipArchive _archive;
    private readonly Func<string, Exception?, Exception> _error;

    private SafeZip(ZipArchive archive, Func<string, Exception?, Exception> error)
    {
        _archive = archive;
        _error = error;
    }

    /// <summary>Opens an archive; <paramref name="error"/> builds the exception for a message (and inner exception).</summary>
    public static SafeZip Open(Stream stream, int maxEntries, Func<string, Exception?, Exception> error)
    {
        ZipArchive archive = Guard(() => new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true), error);
        var zip = new SafeZip(archive, error);
        int count = zip.Guard(() => archive.Entries.Count);
        if (count > maxEntries)
        {
            archive.Dispose();
            throw error($"the zip archive has {count} entries; at most {maxEntries} are accepted", null);
        }
        return zip;
    }

    /// <summary>The entries, in central-directory order.</summary>
    public IReadOnlyList<ZipArchiveEntry> Entries => Guard(() => _archive.Entries);

    /// <summary>Reads a whole entry, refusing entries declared larger than <paramref name="maxBytes"/>.</summary>
    public byte[] Read(ZipArchiveEntry entry, long maxBytes) => Guard(() =>
    {
        long length = entry.Length;
        maxBytes = Math.Min(maxBytes, Array.MaxLength); // one entry is read into one array
        if (length < 0 || length > maxBytes)
            throw _error($"zip entry '{entry.FullName}' is {length} bytes; at most {maxBytes} are accepted", null);
        var data = new byte[length];
        using var s = entry.Open();
        int read = 0;
        while (read < data.Length)
        {
            int n = s.Read(data, read, data.Length - read);
            if (n == 0) throw _error($"zip entry '{entry.FullName}' is truncated: {read} of {length} bytes", null);
            read += n;
        }
        if (s.ReadByte() >= 0) throw _error($"zip entry '{entry.FullName}' holds more than its declared {length} bytes", null);
        return data;
    });

    private T Guard<T>(Func<T> action) => Guard(action, _error);

    // The zip library reports corrupt input with several exception types; all of them mean "bad file".
    private static T Guard<T>(Func<T> action, Func<string, Exception?, Exception> error)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException
                                      or OverflowException
                                  || (e is IOException && e.GetType() == typeof(IOException) || e is EndOfStreamException))
        {
            throw error($"not a valid zip archive ({e.Message})", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _archive.Dispose();
}
