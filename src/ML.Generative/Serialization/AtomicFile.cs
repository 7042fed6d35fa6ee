using System.Runtime.InteropServices;

namespace ML.Generative.Serialization;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same folder (so the rename
/// cannot cross file systems), is flushed to disk, then renamed over the target. A failure at any point
/// leaves the old file as it was and removes the temporary one.
/// </summary>
internal static class AtomicFile
{
    internal static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no parent folder", nameof(path));
        // Hidden and unique, so concurrent writers and directory listings do not trip over it.
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        SyncFolder(folder);
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original error matters more than a leftover temporary file.
        }
    }

    /// <summary>Makes the rename itself durable (POSIX keeps directory entries in the folder's own data).
    /// Best effort: the file's content is already on disk, and not every file system allows this.</summary>
    private static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return;
        fsync(fd);
        close(fd);
    }

    [DllImport("libc.so.6")]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc.so.6")]
    private static extern int fsync(int fd);

    [DllImport("libc.so.6")]
    private static extern int close(int fd);
}
