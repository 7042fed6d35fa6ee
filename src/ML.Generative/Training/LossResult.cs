using TorchSharp;

namespace ML.Generative.Training;

/// <summary>
/// What a model's loss function returns: the scalar to minimise and its named terms (each a scalar, the
/// batch mean), which the training loops log without knowing the model.
/// </summary>
public sealed class LossResult : IDisposable
{
    public LossResult(torch.Tensor total, params (string Name, torch.Tensor Value)[] terms)
    {
        Total = total;
        Terms = terms;
    }

    /// <summary>The differentiable scalar the optimizer minimises.</summary>
    public torch.Tensor Total { get; }

    /// <summary>Named scalar terms (e.g. <c>reconstruction</c>, <c>kl</c>), for logs and progress.</summary>
    public IReadOnlyList<(string Name, torch.Tensor Value)> Terms { get; }

    /// <summary>The values as doubles: <c>loss</c> (the total) then each term.</summary>
    public IReadOnlyDictionary<string, double> Values()
    {
        var values = new Dictionary<string, double>();
        if (Total.device.type == DeviceType.CPU)
        {
            values["loss"] = Total.ToDouble();
            foreach (var (name, value) in Terms) values[name] = value.ToDouble();
            return values;
        }
        // On a GPU each read waits for the device: read every term in one transfer.
        using var scope = torch.NewDisposeScope();
        var all = torch.stack(new[] { Total }.Concat(Terms.Select(t => t.Value)).Select(t => t.detach().reshape(1)).ToArray())
            .to(torch.ScalarType.Float64, torch.CPU).data<double>().ToArray();
        values["loss"] = all[0];
        for (var i = 0; i < Terms.Count; i++) values[Terms[i].Name] = all[i + 1];
        return values;
    }

    public void Dispose()
    {
        Total.Dispose();
        foreach (var (_, value) in Terms) value.Dispose();
    }
}
