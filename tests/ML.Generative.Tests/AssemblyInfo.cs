// Tests run one at a time: libtorch already uses every core for each op, and a few tests switch
// process-wide settings (fast transposed convolutions) that bit-exact comparisons elsewhere depend on.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
