// Data-parallel training on the CPU: k workers (threads) each run the forward and backward pass of one slice of
// the batch with one intra-op thread, instead of one pass over the whole batch whose ops split themselves over
// the cores. The results stay those of the whole batch: batch-norm statistics (and their gradients) are reduced
// over all workers, and losses that couple samples (MMD) see the gathered batch. The workers meet at a barrier
// inside those ops; a worker that fails aborts the group so that none waits forever.
#include "common.h"
#include <condition_variable>
#include <mutex>
#include <omp.h>

namespace {

struct Group {
  explicit Group(int n) : size(n), slots(static_cast<size_t>(n)) {}
  const int size;
  std::mutex mutex;
  std::condition_variable changed;
  int arrived = 0;
  uint64_t generation = 0;
  bool aborted = false;
  std::vector<std::vector<torch::Tensor>> slots;

  void check_aborted() {
    if (aborted) throw std::runtime_error("data-parallel step aborted: another worker failed");
  }

  void barrier(std::unique_lock<std::mutex>& lock) {
    check_aborted();
    const auto gen = generation;
    if (++arrived == size) {
      arrived = 0;
      ++generation;
      changed.notify_all();
    } else {
      changed.wait(lock, [&] { return generation != gen || aborted; });
      check_aborted();
    }
  }

  // Every worker hands in its tensors and gets everyone's, in rank order.
  std::vector<std::vector<torch::Tensor>> exchange(int rank, std::vector<torch::Tensor> mine) {
    std::unique_lock<std::mutex> lock(mutex);
    slots[static_cast<size_t>(rank)] = std::move(mine);
    barrier(lock);
    auto all = slots;
    barrier(lock);  // nobody overwrites a slot before everyone has read it
    slots[static_cast<size_t>(rank)].clear();
    return all;
  }

  // Element-wise sums of every worker's tensors, added in rank order, so that every worker gets identical values.
  std::vector<torch::Tensor> all_reduce_sum(int rank, std::vector<torch::Tensor> mine) {
    auto all = exchange(rank, std::move(mine));
    std::vector<torch::Tensor> sums;
    for (size_t i = 0; i < all[0].size(); ++i) {
      auto s = all[0][i].clone();
      for (size_t r = 1; r < all.size(); ++r) s.add_(all[r][i]);
      sums.push_back(s);
    }
    return sums;
  }

  void abort() {
    std::lock_guard<std::mutex> lock(mutex);
    aborted = true;
    changed.notify_all();
  }
};

struct Membership {
  Group* group = nullptr;
  int rank = 0;
  int saved_threads = 0;
  c10::optional<at::Generator> generator;
};
thread_local Membership member;

std::vector<int64_t> reduce_dims(const torch::Tensor& x) {
  std::vector<int64_t> d{0};
  for (int64_t i = 2; i < x.dim(); ++i) d.push_back(i);
  return d;
}

// Broadcasts a per-channel vector against (N, C, ...).
torch::Tensor per_channel(const torch::Tensor& v, const torch::Tensor& x) {
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[1] = v.size(0);
  return v.view(shape);
}

// Training-mode batch norm whose statistics are those of the whole batch across the workers.
struct SyncBatchNorm : public torch::autograd::Function<SyncBatchNorm> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x, torch::Tensor weight,
                               torch::Tensor bias, torch::Tensor running_mean, torch::Tensor running_var,
                               double momentum, double eps) {
    auto& m = member;
    const auto dims = reduce_dims(x);
    const double local = static_cast<double>(x.numel() / x.size(1));
    auto var_mean = torch::var_mean(x, dims, /*unbiased=*/false);
    auto parts = m.group->exchange(m.rank, {std::get<1>(var_mean), std::get<0>(var_mean),
                                             torch::full({1}, local, torch::kFloat64)});
    // Chan et al.'s pairwise combination, in rank order: the same result on every worker.
    double total = 0;
    for (auto& p : parts) total += p[2].item<double>();
    auto mean = torch::zeros_like(std::get<1>(var_mean));
    for (auto& p : parts) mean.add_(p[0], p[2].item<double>() / total);
    auto var = torch::zeros_like(mean);
    for (auto& p : parts) var.add_(p[1] + (p[0] - mean).square(), p[2].item<double>() / total);
    if (m.rank == 0 && running_mean.defined()) {
      torch::NoGradGuard no_grad;
      running_mean.mul_(1 - momentum).add_(mean, momentum);
      running_var.mul_(1 - momentum).add_(var * (total / std::max(1.0, total - 1)), momentum);
    }
    auto invstd = (var + eps).rsqrt();
    // libtorch's fast inference kernel, fed the whole batch's statistics.
    auto y = torch::batch_norm(x, weight, bias, mean, var, false, 0, eps, false);
    ctx->save_for_backward({x, weight, mean, invstd});
    ctx->saved_data["total"] = total;
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    auto& m = member;
    auto saved = ctx->get_saved_variables();
    auto x = saved[0], weight = saved[1], mean = saved[2], invstd = saved[3];
    const double total = ctx->saved_data["total"].toDouble();
    auto dy = grads[0];
    const auto dims = reduce_dims(x);
    auto xhat = (x - per_channel(mean, x)) * per_channel(invstd, x);
    auto sum_dy = dy.sum(dims);
    auto sum_dy_xhat = (dy * xhat).sum(dims);
    auto sums = m.group->all_reduce_sum(m.rank, {sum_dy, sum_dy_xhat});
    auto scale = weight.defined() ? weight * invstd : invstd;
    auto dx = per_channel(scale, x) * (dy - per_channel(sums[0] / total, x) - xhat * per_channel(sums[1] / total, x));
    // Each worker returns its share of the parameter gradients; accumulation adds them up.
    return {dx, weight.defined() ? sum_dy_xhat : torch::Tensor(), weight.defined() ? sum_dy : torch::Tensor(),
            torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

// Concatenates every worker's slice (rank order); the gradient of the whole is summed over the workers and each
// keeps its own slice's part.
struct AllGather : public torch::autograd::Function<AllGather> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x) {
    auto& m = member;
    auto parts = m.group->exchange(m.rank, {x.detach()});
    std::vector<torch::Tensor> all;
    int64_t offset = 0;
    for (int r = 0; r < static_cast<int>(parts.size()); ++r) {
      if (r == m.rank) ctx->saved_data["offset"] = offset;
      offset += parts[static_cast<size_t>(r)][0].size(0);
      all.push_back(parts[static_cast<size_t>(r)][0]);
    }
    ctx->saved_data["length"] = x.size(0);
    return torch::cat(all, 0);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    auto& m = member;
    auto sum = m.group->all_reduce_sum(m.rank, {grads[0].contiguous()})[0];
    return {sum.narrow(0, ctx->saved_data["offset"].toInt(), ctx->saved_data["length"].toInt())};
  }
};

}  // namespace

c10::optional<at::Generator> mlg::generator() { return member.generator; }

bool mlg::in_data_parallel() { return member.group != nullptr; }

torch::Tensor mlg::sync_batch_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                  const torch::Tensor& running_mean, const torch::Tensor& running_var,
                                  double momentum, double eps) {
  return SyncBatchNorm::apply(x, weight, bias, running_mean, running_var, momentum, eps);
}

MLG_API void* mlg_dp_group_new(int size) {
  MLG_TRY
  TORCH_CHECK(size >= 1, "a data-parallel group needs at least one worker, got ", size);
  return new Group(size);
  MLG_CATCH(nullptr)
}

MLG_API void mlg_dp_group_free(void* group) { delete static_cast<Group*>(group); }

MLG_API void mlg_dp_group_abort(void* group) { static_cast<Group*>(group)->abort(); }

// The calling thread becomes worker `rank`: one intra-op thread, its own generator seeded with `seed`.
MLG_API int mlg_dp_join(void* group, int rank, uint64_t seed) {
  MLG_TRY
  auto* g = static_cast<Group*>(group);
  TORCH_CHECK(rank >= 0 && rank < g->size, "worker rank ", rank, " outside the group of ", g->size);
  TORCH_CHECK(member.group == nullptr, "this thread is already a data-parallel worker");
  // libtorch sets a thread's OpenMP thread count when the thread first runs a parallel op (its lazy init);
  // run one first so that our setting is not overwritten afterwards.
  (void)torch::ones({1 << 16}).sum().item<float>();
  member.saved_threads = omp_get_max_threads();
  omp_set_num_threads(1);
  member.group = g;
  member.rank = rank;
  member.generator = at::detail::createCPUGenerator(seed);
  return 0;
  MLG_CATCH(-1)
}

MLG_API int mlg_dp_leave() {
  MLG_TRY
  if (member.group == nullptr) return 0;
  omp_set_num_threads(member.saved_threads);
  member = Membership{};
  return 0;
  MLG_CATCH(-1)
}

// A seed for the workers of one step, drawn from libtorch's default generator (so manual_seed fixes it).
MLG_API uint64_t mlg_dp_draw_seed() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get<at::CPUGeneratorImpl>()->random64();
}

// Identity outside a data-parallel step; inside one, the whole batch's rows of every worker, differentiable.
MLG_API TensorHandle mlg_dp_all_gather(TensorHandle x) {
  MLG_TRY
  if (member.group == nullptr || member.group->size == 1) return mlg::wrap(*x);
  return mlg::wrap(AllGather::apply(*x));
  MLG_CATCH(nullptr)
}

// (rank, size) of the calling thread: (0, 1) outside a data-parallel step.
MLG_API int mlg_dp_rank() { return member.rank; }
MLG_API int mlg_dp_size() { return member.group ? member.group->size : 1; }

// Waits until every worker of the calling thread's group arrives (no-op outside a data-parallel step).
MLG_API int mlg_dp_barrier() {
  MLG_TRY
  if (member.group != nullptr) member.group->exchange(member.rank, {});
  return 0;
  MLG_CATCH(-1)
}
