namespace ML.Generative.Training;

/// <summary>Where training stands when a loss is computed (schedules such as KL warm-up read it).</summary>
public readonly record struct TrainingContext(int Epoch, long Step, long TotalSteps, bool Training)
{
    /// <summary>The fraction of the run done, in [0, 1].</summary>
    public double Progress => TotalSteps <= 0 ? 1 : Math.Clamp((double)Step / TotalSteps, 0, 1);
}
