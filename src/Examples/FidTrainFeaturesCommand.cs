using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using ML.Generative.Data;
using ML.Generative.Fid;
using ML.Generative.Fid.Features;
using TorchSharp;
using ML.Generative.Serialization;

namespace ML.Generative.Cli;

/// <summary><c>mlgen fid train-features</c>: trains the domain feature network with its fixed recipe and saves it as safetensors.</summary>
internal static class FidTrainFeaturesCommand
{
    internal static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "labelled data set to train on (fashion-mnist or mnist)", DefaultValueFactory = _ => "fashion-mnist" };
        var output = new Option<string>("--out") { Description = "where to write the weights (.safetensors)", Required = true };
        var command = new Command("train-features", "train the domain feature network (DomainFeatureRecipe) and save it as safetensors") { dataset, output };
        command.SetAction(result => FidCommand.Guard(() => Run(result.GetValue(dataset)!, result.GetValue(output)!)));
        return command;
    }

    private static int Run(string name, string output)
    {
        var ctx = new GenerativeContext(seed: DomainFeatureRecipe.Seed);
        var (trainX, trainY) = LoadAll(ctx, name, DatasetSplit.Train);
        var (testX, testY) = LoadAll(ctx, name, DatasetSplit.Test);
        Console.WriteLine($"training on {trainX.shape[0]} {name} images, {torch.get_num_threads()} threads");
        var clock = Stopwatch.StartNew();
        using var network = DomainFeatureRecipe.Train(trainX, trainY, new Progress<(int epoch, double loss, double accuracy)>(p =>
            Console.WriteLine($"epoch {p.epoch + 1}: loss {p.loss:F4}, train accuracy {p.accuracy:P2} ({clock.Elapsed.TotalSeconds:F0} s)")));
        var accuracy = DomainFeatureRecipe.Accuracy(network, testX, testY);
        var metadata = new Dictionary<string, string>
        {
            ["network"] = "DomainFeatureNetwork",
            ["dataset"] = name,
            ["recipe"] = $"seed {DomainFeatureRecipe.Seed}, Adam lr {DomainFeatureRecipe.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {DomainFeatureRecipe.BatchSize}, {DomainFeatureRecipe.Epochs} epochs",
            ["test_accuracy"] = accuracy.ToString("F4", CultureInfo.InvariantCulture),
        };
        SafeTensors.Save(output, network.state_dict(), metadata);
        Console.WriteLine($"test accuracy {accuracy:P2} on {testX.shape[0]} images");
        Console.WriteLine($"saved {output} (sha256 {FidFeatures.Sha256File(output)})");
        foreach (var t in new[] { trainX, trainY, testX, testY }) t.Dispose();
        return 0;
    }

    private static (torch.Tensor Images, torch.Tensor Labels) LoadAll(GenerativeContext ctx, string name, DatasetSplit split)
    {
        var view = ctx.Data.LoadDataset(name, split);
        // One batch holds the whole split (60,000 x 784 floats = 188 MB): the recipe indexes it directly.
        using var batch = ctx.Data.CreateBatches(view, "Image", new BatchOptions { BatchSize = 100_000, LabelColumn = "Label", Prefetch = 0 }).Single();
        return (batch.Features.alias(), batch.Labels!.alias());
    }
}
