using ML.Generative.Torch.Native;

namespace ML.Generative.Torch;

public static partial class torch
{
    public static partial class autograd
    {
        /// <summary>
        /// Records every libtorch operator (forward and backward) run until disposed, and then writes them to
        /// <paramref name="path"/> as a Chrome trace (<c>chrome://tracing</c>, or summed per operator by a script):
        /// the same profiler PyTorch's <c>torch.autograd.profiler.profile</c> uses, so a step can be compared op by op.
        /// One recording at a time per process.
        /// </summary>
        public static IDisposable RecordProfile(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            Errors.Check(ProfilerNative.mlg_profiler_start(Path.GetFullPath(path)));
            return new ProfileRecording();
        }

        private sealed class ProfileRecording : IDisposable
        {
            private bool _stopped;

            public void Dispose()
            {
                if (_stopped) return;
                _stopped = true;
                Errors.Check(ProfilerNative.mlg_profiler_stop());
            }
        }
    }
}
