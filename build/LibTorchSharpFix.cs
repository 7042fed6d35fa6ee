// The Debian 12 fix for TorchSharp's native library (see ML.Generative.targets for why). This one file is both
// the MSBuild task (compiled by RoslynCodeTaskFactory at build time) and, with MLGEN_LIBRARY defined, the
// library's runtime check that `mlgen info` reports: one reader of the ELF version tables, not two.
#nullable enable
using System;
using System.IO;
using System.Linq;
using System.Text;

namespace ML.Generative.Build
{
    /// <summary>What <see cref="LibStdCxxFix"/> found or did to one copy of libLibTorchSharp.so.</summary>
    public enum LibStdCxxFixState
    {
        /// <summary>No libLibTorchSharp.so in the folder.</summary>
        NoLibrary,
        /// <summary>The library does not ask for the missing version (another TorchSharp build): nothing to do.</summary>
        NotNeeded,
        /// <summary>The library asks for GLIBCXX_3.4.32 and it is still a hard requirement.</summary>
        Unpatched,
        /// <summary>The requirement is weak and the symbol unversioned: the library loads on an older libstdc++.</summary>
        Patched,
    }

    /// <summary>Reads and edits the two ELF version entries of libLibTorchSharp.so that stop it loading on a
    /// libstdc++ older than GCC 13's.</summary>
    public static class LibStdCxxFix
    {
        public const string LibraryName = "libLibTorchSharp.so";
        public const string MissingVersion = "GLIBCXX_3.4.32";
        public const string Symbol = "_ZSt21ios_base_library_initv";
        private const uint ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff, ShtDynsym = 11;
        private const ushort VerFlgWeak = 0x2, VerNdxGlobal = 1;

        /// <summary>Whether the system's libstdc++ (the one the loader picks) defines <see cref="MissingVersion"/>;
        /// null when no libstdc++.so.6 is found in the usual folders.</summary>
        public static bool? SystemHasMissingVersion()
        {
            string[] folders = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" };
            var path = folders.Select(f => Path.Combine(f, "libstdc++.so.6")).FirstOrDefault(File.Exists);
            if (path == null) return null;
            return IndexOf(File.ReadAllBytes(path), Encoding.ASCII.GetBytes(MissingVersion + "\0")) >= 0;
        }

        /// <summary>Where the library lies in an application folder: beside the app when it was built for a runtime
        /// identifier, else under runtimes/linux-x64/native/ (resolved through the app's deps.json).</summary>
        public static string? Locate(string folder)
        {
            foreach (var candidate in new[] { Path.Combine(folder, LibraryName), Path.Combine(folder, "runtimes", "linux-x64", "native", LibraryName) })
                if (File.Exists(candidate)) return candidate;
            return null;
        }

        /// <summary>The state of the library in <paramref name="folder"/>.</summary>
        public static LibStdCxxFixState Inspect(string folder)
        {
            var path = Locate(folder);
            return path != null ? Edit(File.ReadAllBytes(path), apply: false) : LibStdCxxFixState.NoLibrary;
        }

        /// <summary>Patches the library in <paramref name="folder"/> when it still needs it; returns the state after.
        /// The edited bytes go to a new file that then replaces the old one, so a hard link into the NuGet cache
        /// is broken rather than written through.</summary>
        public static LibStdCxxFixState Apply(string folder)
        {
            var path = Locate(folder);
            if (path == null) return LibStdCxxFixState.NoLibrary;
            var bytes = File.ReadAllBytes(path);
            var before = Edit(bytes, apply: false);
            if (before != LibStdCxxFixState.Unpatched) return before;
            var after = Edit(bytes, apply: true);
            var temp = path + ".patching";
            File.WriteAllBytes(temp, bytes);
            File.Replace(temp, path, null); // a rename: the old inode (maybe a hard link into the cache) is left as it was
            return after;
        }

        // Walks .gnu.version_r for the GLIBCXX_3.4.32 entry and .dynsym/.gnu.version for the symbol; with apply,
        // sets the entry's weak flag and the symbol's version index to global. Offsets are checked against the
        // file, so a file that is not the expected ELF is reported, never written past.
        private static LibStdCxxFixState Edit(byte[] b, bool apply)
        {
            if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
                throw new InvalidDataException($"{LibraryName} is not a 64-bit little-endian ELF file");
            long shoff = I64(b, 0x28);
            int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
            Func<int, long> section = i => Checked(b, shoff + (long)i * shentsize, 64);
            long verneed = -1, versym = -1, dynsym = -1; int verneedLink = 0, dynsymLink = 0; long dynsymSize = 0;
            for (int i = 0; i < shnum; i++)
            {
                long s = section(i);
                uint type = U32(b, s + 4);
                if (type == ShtGnuVerneed) { verneed = I64(b, s + 24); verneedLink = (int)U32(b, s + 40); }
                else if (type == ShtGnuVersym) versym = I64(b, s + 24);
                else if (type == ShtDynsym) { dynsym = I64(b, s + 24); dynsymSize = I64(b, s + 32); dynsymLink = (int)U32(b, s + 40); }
            }
            if (verneed < 0 || versym < 0 || dynsym < 0) return LibStdCxxFixState.NotNeeded;

            long verneedStrings = I64(b, section(verneedLink) + 24);
            long auxAt = -1; ushort versionIndex = 0;
            for (long vn = verneed; ; )
            {
                int count = U16(b, Checked(b, vn, 16) + 2);
                long aux = vn + U32(b, vn + 8);
                for (int j = 0; j < count; j++)
                {
                    Checked(b, aux, 16);
                    if (CString(b, verneedStrings + U32(b, aux + 8)) == MissingVersion) { auxAt = aux; versionIndex = (ushort)(U16(b, aux + 6) & 0x7fff); }
                    aux += U32(b, aux + 12);
                }
                uint next = U32(b, vn + 12);
                if (next == 0) break;
                vn += next;
            }
            if (auxAt < 0) return LibStdCxxFixState.NotNeeded;

            long symbolIndex = -1;
            long dynsymStrings = I64(b, section(dynsymLink) + 24);
            for (long k = 0; k < dynsymSize / 24; k++)
                if (CString(b, dynsymStrings + U32(b, Checked(b, dynsym + k * 24, 24))) == Symbol) { symbolIndex = k; break; }

            bool weak = (U16(b, auxAt + 4) & VerFlgWeak) != 0;
            bool symbolVersioned = symbolIndex >= 0 && (U16(b, Checked(b, versym + symbolIndex * 2, 2)) & 0x7fff) == versionIndex;
            if (weak && !symbolVersioned) return LibStdCxxFixState.Patched;
            if (!apply) return LibStdCxxFixState.Unpatched;
            W16(b, auxAt + 4, (ushort)(U16(b, auxAt + 4) | VerFlgWeak));
            if (symbolVersioned) W16(b, versym + symbolIndex * 2, VerNdxGlobal);
            return LibStdCxxFixState.Patched;
        }

        private static long Checked(byte[] b, long at, int size) =>
            at >= 0 && at + size <= b.Length ? at : throw new InvalidDataException($"{LibraryName}: an offset points outside the file");
        private static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)Checked(b, at, 2));
        private static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, (int)Checked(b, at, 4));
        private static long I64(byte[] b, long at) => BitConverter.ToInt64(b, (int)Checked(b, at, 8));
        private static void W16(byte[] b, long at, ushort v) => BitConverter.GetBytes(v).CopyTo(b, (int)Checked(b, at, 2));

        private static string CString(byte[] b, long at)
        {
            int end = Array.IndexOf(b, (byte)0, (int)Checked(b, at, 1));
            return end < 0 ? "" : Encoding.ASCII.GetString(b, (int)at, end - (int)at);
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i <= haystack.Length - needle.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }
    }

#if !MLGEN_LIBRARY
    /// <summary>The MSBuild task: patches the copy in <see cref="Folder"/> when this machine's libstdc++ needs it.</summary>
    public sealed class MLGenerativePatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        public string Folder { get; set; } = "";

        /// <summary>What was done, for the build log and for <c>mlgen info</c>'s build-time view.</summary>
        public string Result { get; set; } = "";

        public override bool Execute()
        {
            try
            {
                if (LibStdCxxFix.SystemHasMissingVersion() != false) { Result = "not needed (libstdc++ has " + LibStdCxxFix.MissingVersion + ")"; return true; }
                var state = LibStdCxxFix.Apply(Folder);
                Result = state.ToString();
                if (state == LibStdCxxFixState.Patched)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"ML.Generative: {LibStdCxxFix.LibraryName} in {Folder} loads without {LibStdCxxFix.MissingVersion}");
                return true;
            }
            catch (Exception e)
            {
                Log.LogError($"ML.Generative: could not patch {LibStdCxxFix.LibraryName} in {Folder} so that it loads with this system's libstdc++ (which lacks {LibStdCxxFix.MissingVersion}): {e.Message}. Set MLGenerativeSkipLibStdCxxFix=true to build without the fix.");
                return false;
            }
        }
    }
#endif
}
