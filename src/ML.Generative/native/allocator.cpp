// A caching CPU allocator for libtorch's large tensors.
//
// Training allocates and frees the same large activation buffers every step. Through glibc, a buffer above its
// mmap threshold is mapped fresh each time and every page faults in (zero-filled) on first touch: on the WAE 64x64
// step that was 70% of the CPU time in the kernel, and a third of a 28x28 VAE step. Here a freed large block
// goes back to a free list keyed by its size and the next request of that size reuses it, pages already
// resident, as PyTorch's CUDA caching allocator does for device memory. Small blocks come from glibc, as with
// libtorch's default allocator. The cache is bounded twice — idle bytes (blocks over the limit are unmapped when
// freed) and the footprint relative to the largest in-use (see trim_for) — and can be emptied.
#include "common.h"
#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

namespace {

constexpr size_t kHeader = 64;                 // keeps the data 64-byte aligned, as c10's allocator does
constexpr size_t kMinCached = 128 * 1024;      // below this, glibc's arenas serve well
constexpr size_t kGranule = 64 * 1024;         // sizes are rounded up to this, so near sizes share blocks
// Idle blocks may add this fraction of the largest in-use to the footprint. The training benchmarks' steps need
// 1.16-1.22x their in-use peak to hit every time; 0.3 keeps them whole and FID's Inception within PyTorch's RSS.
constexpr double kDefaultHeadroom = 0.3;

struct BlockHeader {
  size_t mapped;  // bytes mapped, header included; 0 for a small block from glibc
};

size_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) : size_t{8} << 30;
}

class CachingCpuAllocator final : public c10::Allocator {
 public:
  // Default bound: the smaller of 2 GiB and an eighth of physical memory; MLGEN_CPU_CACHE_MB sets it (0: no caching).
  CachingCpuAllocator() : limit_(std::min(size_t{2} << 30, physical_memory() / 8)) {
    if (const char* v = std::getenv("MLGEN_CPU_CACHE_MB")) limit_ = static_cast<size_t>(std::atoll(v)) << 20;
    if (const char* v = std::getenv("MLGEN_CPU_CACHE_HEADROOM")) headroom_ = std::atof(v);
  }

  c10::DataPtr allocate(size_t n) MLG_ALLOCATE_CONST override {
    if (n < kMinCached) {
      // Small blocks: glibc, behind the same header so that one deleter serves every block (oneDNN frees
      // through the raw interface).
      void* base = nullptr;
      if (posix_memalign(&base, kHeader, n + kHeader) != 0) out_of_memory(n);
      static_cast<BlockHeader*>(base)->mapped = 0;
      void* data = static_cast<char*>(base) + kHeader;
      return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
    }
    const size_t mapped = (n + kHeader + kGranule - 1) / kGranule * kGranule;
    void* base = take(mapped);
    if (base != nullptr) ++hits_;
    else ++misses_;
    if (base == nullptr) {
      trim_for(mapped);
      base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (base == MAP_FAILED) {
        release_all();  // cached blocks of other sizes may be what stands in the way
        base = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED) out_of_memory(n);
      }
      static_cast<BlockHeader*>(base)->mapped = mapped;
      in_use_ += mapped;
      note_peak();
      note_high_water();
    }
    void* data = static_cast<char*>(base) + kHeader;
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }

  // The footprint bound: before a new block is mapped, idle blocks are unmapped (largest size first) until in-use +
  // idle + the new block fit in (1 + headroom) x the largest in-use seen. Exact-size reuse keeps a block of every
  // size a pass frees; a network of many distinct activation sizes (Inception: 2.6 GB reserved for 0.86 GB in use)
  // would otherwise hold far more than its tensors need. Training steps reuse few sizes and stay below the bound.
  void trim_for(size_t incoming) const {
    const double headroom = headroom_.load();
    if (headroom < 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const size_t need = in_use_ + incoming;
    const auto cap = static_cast<size_t>((1 + headroom) * static_cast<double>(std::max(high_water_, need)));
    while (cached_ > 0 && need + cached_ > cap) {
      auto largest = free_.end();
      for (auto it = free_.begin(); it != free_.end(); ++it)
        if (!it->second.empty() && (largest == free_.end() || it->first > largest->first)) largest = it;
      if (largest == free_.end()) break;
      munmap(largest->second.back(), largest->first);
      largest->second.pop_back();
      cached_ -= largest->first;
    }
  }

  // After a mapping succeeded (a request that fails must not move the bound).
  void note_high_water() const {
    std::lock_guard<std::mutex> lock(mutex_);
    high_water_ = std::max(high_water_, in_use_.load());
  }

  [[noreturn]] static void out_of_memory(size_t n) {
    TORCH_CHECK(false, "CPU allocator: can't allocate memory: you tried to allocate ", n, " bytes (",
                static_cast<double>(n) / (1 << 30), " GiB)");
  }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }
#if MLG_TORCH_AT_LEAST(2, 3)
  void copy_data(void* dest, const void* src, std::size_t count) const override { default_copy_data(dest, src, count); }
#endif

  static void release(void* data) { instance().give_back(static_cast<char*>(data) - kHeader); }

  static CachingCpuAllocator& instance() {
    // Never destroyed: tensors owned by other static objects may be freed during exit.
    static auto* a = new CachingCpuAllocator();
    return *a;
  }

  void release_all() const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [size, blocks] : free_)
      for (void* b : blocks) munmap(b, size);
    free_.clear();
    cached_ = 0;
  }

  size_t cached() const { return cached_; }
  size_t limit() const { return limit_; }
  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }
  // A new bound on cached bytes; 0 stops caching (freed blocks are unmapped at once) and releases the cache.
  void set_limit(size_t bytes) const {
    limit_ = bytes;
    if (bytes == 0) release_all();
  }
  size_t peak_in_use() const { return peak_in_use_; }
  double headroom() const { return headroom_; }
  size_t high_water() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return high_water_;
  }
  void set_headroom(double h) const { headroom_ = h; }
  size_t peak_mapped() const { return peak_mapped_; }
  void reset_peaks() const { peak_in_use_ = in_use_.load(); peak_mapped_ = in_use_ + cached_; }
  size_t in_use() const { return in_use_; }

 private:
  void note_peak() const {
    peak_in_use_ = std::max<size_t>(peak_in_use_, in_use_);
    peak_mapped_ = std::max<size_t>(peak_mapped_, in_use_ + cached_);
  }

  void* take(size_t mapped) const {
    std::lock_guard<std::mutex> lock(mutex_);
    // Exact sizes only: letting a larger cached block serve a smaller request was measured to raise the peak
    // (the larger size is then mapped again when its own request comes).
    auto it = free_.find(mapped);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void* b = it->second.back();
    it->second.pop_back();
    cached_ -= it->first;
    in_use_ += it->first;
    note_peak();
    return b;
  }

  void give_back(void* base) const {
    const size_t mapped = static_cast<BlockHeader*>(base)->mapped;
    if (mapped == 0) {
      free(base);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      in_use_ -= mapped;
      if (cached_ + mapped <= limit_) {
        free_[mapped].push_back(base);
        cached_ += mapped;
        return;
      }
    }
    munmap(base, mapped);
  }

  mutable std::atomic<size_t> limit_;
  mutable std::atomic<double> headroom_{kDefaultHeadroom};  // < 0: no footprint bound
  mutable size_t high_water_ = 0;                            // largest in-use after a mapping (not reset)
  mutable std::atomic<size_t> hits_{0}, misses_{0};
  mutable std::mutex mutex_;
  mutable std::unordered_map<size_t, std::vector<void*>> free_;
  mutable std::atomic<size_t> cached_{0}, in_use_{0};
  mutable size_t peak_in_use_ = 0, peak_mapped_ = 0;  // approximate under concurrency: for reports only
};

// Installed when the shim is loaded, before any tensor exists (MLGEN_CPU_CACHING_ALLOCATOR=0 keeps libtorch's).
struct Installer {
  Installer() {
    const char* v = std::getenv("MLGEN_CPU_CACHING_ALLOCATOR");
    if (v != nullptr && std::string(v) == "0") return;
    auto& a = CachingCpuAllocator::instance();
    c10::SetCPUAllocator(&a, /*priority=*/100);
    installed = true;
  }
  bool installed = false;
};
Installer installer;

}  // namespace

// Whether the caching allocator is in use; bytes cached (free, kept for reuse) and in use (handed out).
// Peaks (large blocks only) since the start or the last reset.
MLG_API int mlg_cpu_allocator_stats(int64_t* cached, int64_t* in_use, int64_t* peak_in_use, int64_t* peak_mapped) {
  auto& a = CachingCpuAllocator::instance();
  *cached = static_cast<int64_t>(a.cached());
  *in_use = static_cast<int64_t>(a.in_use());
  *peak_in_use = static_cast<int64_t>(a.peak_in_use());
  *peak_mapped = static_cast<int64_t>(a.peak_mapped());
  return installer.installed ? 1 : 0;
}

MLG_API void mlg_cpu_reset_peaks() { CachingCpuAllocator::instance().reset_peaks(); }

// Sets the bound on cached bytes (0: stop caching and release the cache).
MLG_API int mlg_cpu_cache_configure(int64_t limit_bytes) {
  MLG_TRY
  TORCH_CHECK(limit_bytes >= 0, "the CPU cache limit must be >= 0, got ", limit_bytes);
  CachingCpuAllocator::instance().set_limit(static_cast<size_t>(limit_bytes));
  return 0;
  MLG_CATCH(-1)
}

// The footprint bound's headroom (negative: none).
MLG_API void mlg_cpu_cache_set_headroom(double headroom) { CachingCpuAllocator::instance().set_headroom(headroom); }
MLG_API double mlg_cpu_cache_headroom() { return CachingCpuAllocator::instance().headroom(); }
MLG_API int64_t mlg_cpu_cache_high_water() { return static_cast<int64_t>(CachingCpuAllocator::instance().high_water()); }

// stats[0..3]: cached (idle) bytes, the limit, allocations served from the cache, allocations that mapped memory.
MLG_API void mlg_cpu_cache_stats(int64_t* stats) {
  auto& a = CachingCpuAllocator::instance();
  stats[0] = static_cast<int64_t>(a.cached());
  stats[1] = installer.installed ? static_cast<int64_t>(a.limit()) : 0;
  stats[2] = static_cast<int64_t>(a.hits());
  stats[3] = static_cast<int64_t>(a.misses());
}

// Unmaps every cached free block (memory in use is untouched).
MLG_API void mlg_cpu_empty_cache() { CachingCpuAllocator::instance().release_all(); }
