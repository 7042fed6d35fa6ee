using System.CommandLine;
using ML.Generative.Cli;

// mlgen: every library capability from the command line. Each capability adds its command here.
var root = new RootCommand("mlgen: generative image models (VAE, VAE-GAN, WAE, GANs) on libtorch, from .NET");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(QuickstartCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(SampleCommand.Create());
root.Subcommands.Add(ReconstructCommand.Create());
root.Subcommands.Add(EmbedCommand.Create());
root.Subcommands.Add(ScoreCommand.Create());
root.Subcommands.Add(InterpolateCommand.Create());
root.Subcommands.Add(InspectCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(AnomalyCommand.Create());
root.Subcommands.Add(FidCommand.Create());
root.Subcommands.Add(ReproduceCommand.Create());
return CliErrors.Run(() => root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
