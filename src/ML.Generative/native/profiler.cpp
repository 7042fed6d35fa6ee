// libtorch's operator profiler: records every op (forward and backward) into a Chrome trace file, so a
// training step can be compared op by op with PyTorch's profiler on the same model.
#include "common.h"
#include <torch/csrc/autograd/profiler_legacy.h>
#include <memory>

namespace {
std::unique_ptr<torch::autograd::profiler::RecordProfile> active;
}

MLG_API int mlg_profiler_start(const char* path) {
  MLG_TRY
  if (active) throw std::runtime_error("the profiler is already running");
  active = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(path));
  return 0;
  MLG_CATCH(-1)
}

// Writes the trace (the RecordProfile destructor does it).
MLG_API int mlg_profiler_stop() { MLG_STATUS(active.reset()) }
