namespace ML.Generative.Training;

/// <summary>A loss became NaN or infinite: training stopped, and the last checkpoint (if any) is kept as it was.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(long step, int epoch, string term, double value)
        : base($"training diverged at step {step} (epoch {epoch}): the loss term '{term}' is {value}. " +
               "Nothing was saved from this step; lower the learning rate or check the input normalisation.")
    {
        Step = step;
        Epoch = epoch;
        Term = term;
    }

    public long Step { get; }
    public int Epoch { get; }
    public string Term { get; }
}
