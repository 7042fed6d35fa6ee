namespace ML.Generative.Fid.Checkpoints.Pickle;

/// <summary>What a <see cref="RestrictedUnpickler"/> may resolve: the only way a pickle reaches anything outside its own data.</summary>
internal interface IPickleEnvironment
{
    /// <summary>Whether GLOBAL / STACK_GLOBAL may name <paramref name="module"/>.<paramref name="name"/>.</summary>
    bool IsAllowedGlobal(string module, string name);

    /// <summary>A short list of the allowed globals, for error messages.</summary>
    string DescribeAllowedGlobals();

    /// <summary>REDUCE: calls a whitelisted global with arguments; throws when it is not callable this way.</summary>
    object? Reduce(PickleGlobal callable, object?[] args);

    /// <summary>BINPERSID: resolves a persistent id (a torch storage reference).</summary>
    object? PersistentLoad(object? pid);
}
