using System.Buffers.Binary;
using System.Text;

namespace ML.Generative.Tests.Serialization;

/// <summary>Builds safetensors bytes straight from the format description (never with the library's writer),
/// and temporary folders for file tests.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>8-byte little-endian header length, the JSON header space-padded to 8 bytes, then the data.</summary>
    internal static byte[] Assemble(string header, byte[] data, ulong? headerLengthOverride = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLengthOverride ?? (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>A fresh folder under the system temp folder, removed on dispose.</summary>
    internal sealed class TempFolder : IDisposable
    {
        public TempFolder() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlg-st-" + Guid.NewGuid().ToString("N"));

        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>Every name in the folder, hidden temporary files included.</summary>
        public string[] Names() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OrderBy(n => n).ToArray()!;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
