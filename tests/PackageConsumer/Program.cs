// A new application that uses ML.Generative from its packages only (see README, "Packages"): it trains a small
// VAE on Fashion-MNIST, saves and reloads the model zip, samples from it and scores the samples with FID.
using ML.Generative;
using ML.Generative.Data;
using ML.Generative.Data.Transforms;
using ML.Generative.Fid;
using ML.Generative.Models.Vae;

var ctx = new GenerativeContext(seed: 1);
var train = ctx.Data.TakeRows(ctx.Data.LoadDataset("fashion-mnist"), 512);
var pipeline = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne)
    .Append(ctx.Generative.Vae(new VaeOptions { LatentSize = 8, Epochs = 1 }));
var model = pipeline.Fit(train);
ctx.Model.Save(model, train.Schema, "vae.zip");

var loaded = ctx.Model.Load("vae.zip", out _);
using var features = FidFeatures.FashionMnist();
var real = ctx.Transforms.NormalizePixels("Pixels", "Image", PixelRange.ZeroToOne).Fit(train).Transform(train);
var fid = ctx.Evaluate.Fid(real, loaded, 256, features, new FidOptions { ImageColumn = "Pixels" });
Console.WriteLine($"consumer: trained {model.LastTransformer.History.Steps} steps, reloaded, FID of 256 samples {fid.Value:F1}");
