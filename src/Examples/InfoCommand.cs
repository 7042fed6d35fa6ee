using System.CommandLine;
using ML.Generative.Torch;
using Spectre.Console;

namespace ML.Generative.Cli;

/// <summary><c>mlgen info</c>: library and libtorch versions, device, threads and the BLAS in use.</summary>
internal static class InfoCommand
{
    internal static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print the information as JSON" };
        var command = new Command("info", "show library and libtorch versions, devices, threads and the BLAS in use") { json };
        command.SetAction(result =>
        {
            var info = RuntimeInfo.Current();
            if (result.GetValue(json))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(info, new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }));
                return 0;
            }
            var table = new Table().AddColumn("what").AddColumn("value");
            table.AddRow("ML.Generative", info.LibraryVersion);
            table.AddRow("libtorch", info.TorchVersion);
            table.AddRow("device", info.CudaAvailable ? $"cpu, cuda ({info.CudaDevices} device(s))" : "cpu (no CUDA)");
            table.AddRow("torch threads", $"{info.TorchThreads} intra-op, {info.InteropThreads} inter-op");
            table.AddRow("CPU caching allocator", info.CachingAllocator ? "on (MLGEN_CPU_CACHING_ALLOCATOR=0 turns it off)" : "off");
            table.AddRow("oneDNN (mkldnn)", info.MkldnnAvailable ? "available" : "not available");
            table.AddRow("BLAS", Markup.Escape($"{info.Blas}: {info.BlasLibrary}"));
            table.AddRow("OpenBLAS", Markup.Escape(info.OpenBlasConfig.Length > 0 ? info.OpenBlasConfig : "(not loaded)"));
            table.AddRow("BLAS threads", info.OpenBlasThreads.ToString());
            table.AddRow("BLAS kernels requested", Markup.Escape($"{info.RequestedCoreType ?? "OpenBLAS's own choice"} ({info.BlasSource})"));
            AnsiConsole.Write(table);
            if (info.BlasWarning is { } warning) AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
            return 0;
        });
        return command;
    }
}
