// Shared by every area of the shim: the error protocol and handle conventions.
//
// Every exported function is `extern "C"`, wrapped in MLG_TRY/MLG_CATCH so that no C++ exception
// (c10::Error, std::bad_alloc, anything) crosses into .NET. The message of a caught exception is kept
// per thread; the managed side reads it with mlg_last_error() and throws. Conventions:
//   - functions returning a handle return nullptr on error;
//   - functions returning int return 0 on success and -1 on error;
//   - a tensor handle is a heap-allocated torch::Tensor*, owned by the managed Tensor, freed once.
#pragma once
#include <torch/torch.h>
#include <cstdint>
#include <string>
#include <vector>

#define MLG_API extern "C" __attribute__((visibility("default")))

// The same sources build against Debian's libtorch 1.13 (CPU) and a 2.x CUDA libtorch; where their APIs
// differ, code branches on the version.
#include <torch/version.h>
#ifndef MLG_HAS_CUDA
#define MLG_HAS_CUDA 0  // CMakeLists.txt sets 1 when the libtorch found has CUDA
#endif
#define MLG_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))
#if MLG_TORCH_AT_LEAST(2, 3)
#define MLG_ALLOCATE_CONST  // c10::Allocator::allocate lost its const in 2.3
#else
#define MLG_ALLOCATE_CONST const
#endif

typedef torch::Tensor* TensorHandle;

namespace mlg {
void set_error(const char* message);
// The random generator of the calling thread: set inside a data-parallel worker (parallel.cpp) so that the
// draws of concurrent workers neither interleave nondeterministically nor race; nullopt (libtorch's default
// generator) everywhere else.
c10::optional<at::Generator> generator();
// Whether the calling thread is a data-parallel worker, and batch norm over the whole batch of its group.
bool in_data_parallel();
torch::Tensor sync_batch_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                              const torch::Tensor& running_mean, const torch::Tensor& running_var, double momentum,
                              double eps);
inline TensorHandle wrap(torch::Tensor t) { return new torch::Tensor(std::move(t)); }
inline c10::IntArrayRef dims(const int64_t* p, int n) { return c10::IntArrayRef(p, static_cast<size_t>(n)); }
inline c10::optional<int64_t> opt_dim(int64_t d, int has) { return has ? c10::optional<int64_t>(d) : c10::nullopt; }
inline torch::Device device_of(int type, int index) {
  return torch::Device(type == 1 ? torch::kCUDA : torch::kCPU, static_cast<c10::DeviceIndex>(index));
}
inline torch::TensorOptions options(int dtype, int device_type, int device_index, bool requires_grad = false) {
  return torch::TensorOptions()
      .dtype(static_cast<c10::ScalarType>(dtype))
      .device(device_of(device_type, device_index))
      .requires_grad(requires_grad);
}
inline std::vector<torch::Tensor> tensors(TensorHandle* hs, int n) {
  std::vector<torch::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v.push_back(hs[i] ? *hs[i] : torch::Tensor());
  return v;
}
// Arrays out: the caller's allocator callback returns a buffer for n handles.
typedef TensorHandle* (*HandleAllocator)(int n);
inline int return_tensors(const std::vector<torch::Tensor>& ts, HandleAllocator alloc) {
  TensorHandle* out = alloc(static_cast<int>(ts.size()));
  for (size_t i = 0; i < ts.size(); ++i) out[i] = wrap(ts[i]);
  return static_cast<int>(ts.size());
}
}  // namespace mlg

#define MLG_TRY try {
#define MLG_CATCH(failure)                                              \
  }                                                                     \
  catch (const c10::Error& e) {                                         \
    mlg::set_error(e.what_without_backtrace());                         \
    return failure;                                                     \
  }                                                                     \
  catch (const std::bad_alloc&) {                                       \
    mlg::set_error("out of memory (std::bad_alloc) in native code");    \
    return failure;                                                     \
  }                                                                     \
  catch (const std::exception& e) {                                     \
    mlg::set_error(e.what());                                           \
    return failure;                                                     \
  }                                                                     \
  catch (...) {                                                         \
    mlg::set_error("unknown native exception");                         \
    return failure;                                                     \
  }

// Shorthands for the common shapes of exported functions.
#define MLG_HANDLE(body) MLG_TRY return mlg::wrap(body); MLG_CATCH(nullptr)
#define MLG_STATUS(body) MLG_TRY body; return 0; MLG_CATCH(-1)
