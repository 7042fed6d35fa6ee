// Process-wide state: the last error, versions, threads, seeds, devices and the BLAS in use.
#include "common.h"
#if MLG_HAS_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif
#include <dlfcn.h>
#include <link.h>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace {
thread_local std::string last_error;
thread_local bool has_error = false;

std::string copy_string(const std::string& s, char* buffer, int length) {
  if (buffer && length > 0) {
    size_t n = std::min(s.size(), static_cast<size_t>(length - 1));
    std::memcpy(buffer, s.data(), n);
    buffer[n] = '\0';
  }
  return s;
}
}  // namespace

void mlg::set_error(const char* message) {
  last_error = message ? message : "unknown native error";
  has_error = true;
}

// The message stays owned by this thread's string: nothing to free on the managed side.
MLG_API const char* mlg_last_error() { return has_error ? last_error.c_str() : nullptr; }
MLG_API void mlg_clear_error() {
  has_error = false;
  last_error.clear();
}

// Writes the libtorch version ("1.13.1") into buffer; returns the full length.
MLG_API int mlg_torch_version(char* buffer, int length) {
  std::string v = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                  std::to_string(TORCH_VERSION_PATCH);
  return static_cast<int>(copy_string(v, buffer, length).size());
}

MLG_API int mlg_get_num_threads() { return at::get_num_threads(); }
MLG_API int mlg_set_num_threads(int n) { MLG_STATUS(at::set_num_threads(n)) }
MLG_API int mlg_get_num_interop_threads() { return at::get_num_interop_threads(); }
MLG_API int mlg_manual_seed(uint64_t seed) { MLG_STATUS(torch::manual_seed(seed)) }
MLG_API int mlg_cuda_is_available() { return torch::cuda::is_available() ? 1 : 0; }
MLG_API int mlg_cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }
MLG_API int mlg_cuda_synchronize() {
  MLG_TRY
  if (torch::cuda::is_available()) torch::cuda::synchronize();
  return 0;
  MLG_CATCH(-1)
}
// Peak bytes held by tensors on CUDA device 0 (0 where the shim is built without CUDA).
MLG_API int64_t mlg_cuda_max_memory_allocated() {
  MLG_TRY
#if MLG_HAS_CUDA
  if (!torch::cuda::is_available()) return 0;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(0);
  return stats.allocated_bytes[static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE)].peak;
#else
  return 0;
#endif
  MLG_CATCH(-1)
}
MLG_API int mlg_mkldnn_is_available() { return at::hasMKLDNN() ? 1 : 0; }

// ATen's own description of how it was built (BLAS, LAPACK, oneDNN, OpenMP, CPU capability).
MLG_API int mlg_build_config(char* buffer, int length) {
  MLG_TRY
  return static_cast<int>(copy_string(at::show_config(), buffer, length).size());
  MLG_CATCH(-1)
}

// What OpenBLAS reports of itself (version, build, kernel core, threads), if it was loaded. Empty otherwise.
MLG_API int mlg_openblas_info(char* buffer, int length, int* threads) {
  typedef char* (*str_fn)();
  typedef int (*int_fn)();
  *threads = 0;
  void* lib = dlopen("libopenblas.so.0", RTLD_LAZY | RTLD_NOLOAD);
  if (!lib) return static_cast<int>(copy_string("", buffer, length).size());
  auto config = reinterpret_cast<str_fn>(dlsym(lib, "openblas_get_config"));
  auto core = reinterpret_cast<str_fn>(dlsym(lib, "openblas_get_corename"));
  auto nthreads = reinterpret_cast<int_fn>(dlsym(lib, "openblas_get_num_threads"));
  *threads = nthreads ? nthreads() : 0;
  std::string info = std::string(config ? config() : "OpenBLAS") + " core=" + (core ? core() : "?");
  dlclose(lib);
  return static_cast<int>(copy_string(info, buffer, length).size());
}

namespace {
int find_blas(struct dl_phdr_info* info, size_t, void* data) {
  std::string name = info->dlpi_name ? info->dlpi_name : "";
  if (name.find("/libblas.so") != std::string::npos) {
    char resolved[4096];
    *static_cast<std::string*>(data) = realpath(name.c_str(), resolved) ? resolved : name;
    return 1;
  }
  return 0;
}
}  // namespace

// The real file behind the libblas.so.3 that libtorch loaded (Debian's alternatives resolved), e.g.
// .../openblas-pthread/libblas.so.3 or .../blas/libblas.so.3 (the slow reference BLAS). Empty if none.
MLG_API int mlg_blas_library(char* buffer, int length) {
  std::string path;
  dl_iterate_phdr(find_blas, &path);
  return static_cast<int>(copy_string(path, buffer, length).size());
}
