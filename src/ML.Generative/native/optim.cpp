// Optimizer steps, one call per parameter group, following torch.optim's single-tensor algorithms
// (PyTorch 1.13) operation for operation so that results match PyTorch's. The state tensors are owned by
// the managed optimizer (so they save and load like any tensor); parameters without a gradient are skipped.
#include "common.h"
#include <atomic>
#include <cmath>

MLG_API int mlg_sgd_step(TensorHandle* params, TensorHandle* momentum_buffers, const int* first_step, int n, double lr,
                         double momentum, double dampening, double weight_decay, int nesterov, int maximize) {
  MLG_TRY
  torch::NoGradGuard no_grad;
  for (int i = 0; i < n; ++i) {
    auto& p = *params[i];
    auto g = p.grad();
    if (!g.defined()) continue;
    auto d_p = maximize ? g.neg() : g;
    if (weight_decay != 0) d_p = d_p.add(p, weight_decay);
    if (momentum != 0) {
      auto& buf = *momentum_buffers[i];
      if (first_step[i]) buf.copy_(d_p);
      else buf.mul_(momentum).add_(d_p, 1 - dampening);
      d_p = nesterov ? d_p.add(buf, momentum) : buf;
    }
    p.add_(d_p, -lr);
  }
  return 0;
  MLG_CATCH(-1)
}

namespace {
std::atomic<int> multi_tensor_adam{1};  // 0: never, 1: on CUDA, 2: always (tests compare the two paths on the CPU)

// On a GPU a step is bound by kernel launches: there Adam runs as PyTorch's default (foreach) Adam does, a few
// multi-tensor kernels for all parameters instead of eight per parameter. Same formula; returns false (the
// per-parameter loop then runs) on the CPU, with AMSGrad, or when parameters differ in step or lack gradients.
bool adam_step_multi_tensor(TensorHandle* params, TensorHandle* exp_avgs, TensorHandle* exp_avg_sqs, const int64_t* steps,
                            int n, double lr, double beta1, double beta2, double eps, double weight_decay, int amsgrad,
                            int decoupled, int maximize) {
  const int mode = multi_tensor_adam.load(std::memory_order_relaxed);
  if (n == 0 || amsgrad || mode == 0 || (mode == 1 && !params[0]->is_cuda())) return false;
  std::vector<torch::Tensor> p, g, m, v;
  for (int i = 0; i < n; ++i) {
    auto grad = params[i]->grad();
    if (!grad.defined() || steps[i] != steps[0] || params[i]->device() != params[0]->device()) return false;
    p.push_back(*params[i]);
    g.push_back(grad);
    m.push_back(*exp_avgs[i]);
    v.push_back(*exp_avg_sqs[i]);
  }
  if (maximize) g = at::_foreach_neg(g);
  if (decoupled) at::_foreach_mul_(p, 1 - lr * weight_decay);
  else if (weight_decay != 0) g = at::_foreach_add(g, p, weight_decay);
  at::_foreach_mul_(m, beta1);
  at::_foreach_add_(m, g, 1 - beta1);
  at::_foreach_mul_(v, beta2);
  at::_foreach_addcmul_(v, g, g, 1 - beta2);
  const double step = static_cast<double>(steps[0]);
  const double step_size = lr / (1 - std::pow(beta1, step));
  auto denom = at::_foreach_sqrt(v);
  at::_foreach_div_(denom, std::sqrt(1 - std::pow(beta2, step)));
  at::_foreach_add_(denom, eps);
  at::_foreach_addcdiv_(p, m, denom, -step_size);
  return true;
}
}  // namespace

MLG_API void mlg_set_multi_tensor_adam(int mode) { multi_tensor_adam.store(mode); }
MLG_API int mlg_get_multi_tensor_adam() { return multi_tensor_adam.load(); }

// Adam, or AdamW when decoupled != 0. steps[i] is the step number after this update (1 on the first).
MLG_API int mlg_adam_step(TensorHandle* params, TensorHandle* exp_avgs, TensorHandle* exp_avg_sqs,
                          TensorHandle* max_exp_avg_sqs, const int64_t* steps, int n, double lr, double beta1,
                          double beta2, double eps, double weight_decay, int amsgrad, int decoupled, int maximize) {
  MLG_TRY
  torch::NoGradGuard no_grad;
  if (adam_step_multi_tensor(params, exp_avgs, exp_avg_sqs, steps, n, lr, beta1, beta2, eps, weight_decay, amsgrad,
                             decoupled, maximize))
    return 0;
  for (int i = 0; i < n; ++i) {
    auto& p = *params[i];
    auto grad = p.grad();
    if (!grad.defined()) continue;
    if (maximize) grad = grad.neg();
    if (decoupled) p.mul_(1 - lr * weight_decay);
    else if (weight_decay != 0) grad = grad.add(p, weight_decay);
    auto& exp_avg = *exp_avgs[i];
    auto& exp_avg_sq = *exp_avg_sqs[i];
    exp_avg.mul_(beta1).add_(grad, 1 - beta1);
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    double step = static_cast<double>(steps[i]);
    double bias_correction1 = 1 - std::pow(beta1, step);
    double bias_correction2 = 1 - std::pow(beta2, step);
    double step_size = lr / bias_correction1;
    double bias_correction2_sqrt = std::sqrt(bias_correction2);
    torch::Tensor denom;
    if (amsgrad) {
      auto& max_sq = *max_exp_avg_sqs[i];
      torch::maximum_out(max_sq, max_sq, exp_avg_sq);
      denom = (max_sq.sqrt() / bias_correction2_sqrt).add_(eps);
    } else {
      denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps);
    }
    p.addcdiv_(exp_avg, denom, -step_size);
  }
  return 0;
  MLG_CATCH(-1)
}

MLG_API int mlg_rmsprop_step(TensorHandle* params, TensorHandle* square_avgs, TensorHandle* grad_avgs,
                             TensorHandle* momentum_buffers, int n, double lr, double alpha, double eps,
                             double weight_decay, double momentum, int centered, int maximize) {
  MLG_TRY
  torch::NoGradGuard no_grad;
  for (int i = 0; i < n; ++i) {
    auto& p = *params[i];
    auto grad = p.grad();
    if (!grad.defined()) continue;
    if (maximize) grad = grad.neg();
    if (weight_decay != 0) grad = grad.add(p, weight_decay);
    auto& square_avg = *square_avgs[i];
    square_avg.mul_(alpha).addcmul_(grad, grad, 1 - alpha);
    torch::Tensor avg;
    if (centered) {
      auto& grad_avg = *grad_avgs[i];
      grad_avg.mul_(alpha).add_(grad, 1 - alpha);
      avg = square_avg.addcmul(grad_avg, grad_avg, -1).sqrt_();
    } else {
      avg = square_avg.sqrt();
    }
    avg = avg.add_(eps);
    if (momentum > 0) {
      auto& buf = *momentum_buffers[i];
      buf.mul_(momentum).addcdiv_(grad, avg);
      p.add_(buf, -lr);
    } else {
      p.addcdiv_(grad, avg, -lr);
    }
  }
  return 0;
  MLG_CATCH(-1)
}

// Scales all gradients so that their joint norm is at most max_norm; returns the norm before clipping.
MLG_API int mlg_clip_grad_norm(TensorHandle* params, int n, double max_norm, double norm_type, double* total) {
  MLG_TRY
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (int i = 0; i < n; ++i)
    if (params[i]->grad().defined()) grads.push_back(params[i]->grad());
  if (grads.empty()) {
    *total = 0;
    return 0;
  }
  std::vector<torch::Tensor> norms;
  for (auto& g : grads) norms.push_back(g.norm(norm_type));
  auto total_norm = torch::stack(norms).norm(norm_type);
  auto coef = (max_norm / (total_norm + 1e-6)).clamp_max(1.0);
  for (auto& g : grads) g.mul_(coef);
  *total = total_norm.item<double>();
  return 0;
  MLG_CATCH(-1)
}
