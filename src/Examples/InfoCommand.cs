using System.CommandLine;
using TorchSharp;
using Spectre.Console;

namespace ML.Generative.Cli;

/// <summary><c>mlgen info</c>: library, TorchSharp and libtorch versions, device, threads, the allocator setting and
/// whether the build patched TorchSharp's native library for this system's libstdc++.</summary>
internal static class InfoCommand
{
    internal static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print the information as JSON" };
        var command = new Command("info", "show library, TorchSharp and libtorch versions, devices, threads and the memory setting") { json };
        command.SetAction(result =>
        {
            var info = ML.Generative.Runtime.TorchRuntime.EnsureInitialized();
            if (result.GetValue(json))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(info, new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }));
                return 0;
            }
            var table = new Table().AddColumn("what").AddColumn("value");
            table.AddRow("ML.Generative", info.LibraryVersion);
            table.AddRow("TorchSharp", info.TorchSharpVersion);
            table.AddRow("libtorch", Markup.Escape(info.LibTorchVersion));
            table.AddRow("device", info.CudaAvailable ? $"cpu, cuda ({info.CudaDevices} device(s))" : "cpu (no CUDA)");
            table.AddRow("torch threads", $"{info.TorchThreads} intra-op, {info.InteropThreads} inter-op");
            table.AddRow("memory (glibc malloc)", Markup.Escape(info.Malloc));
            table.AddRow("Debian 12 libstdc++ fix", Markup.Escape(info.DebianFix));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
