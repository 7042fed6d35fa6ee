// Autograd: backward, gradients of outputs with respect to inputs (create_graph for gradient penalties),
// .grad access, and the no-grad / inference-mode scopes.
#include "common.h"

MLG_API int mlg_backward(TensorHandle t, TensorHandle grad, int retain_graph, int create_graph) {
  MLG_TRY
  t->backward(grad ? *grad : torch::Tensor(),
              retain_graph < 0 ? c10::nullopt : c10::optional<bool>(retain_graph != 0), create_graph != 0);
  return 0;
  MLG_CATCH(-1)
}

// torch.autograd.grad: n_out outputs (and optional grad_outputs), n_in inputs; results through alloc.
// An input that does not reach the outputs gives a null handle when allow_unused.
MLG_API int mlg_autograd_grad(TensorHandle* outputs, TensorHandle* grad_outputs, int n_out, TensorHandle* inputs,
                              int n_in, int retain_graph, int create_graph, int allow_unused,
                              mlg::HandleAllocator alloc) {
  MLG_TRY
  auto outs = mlg::tensors(outputs, n_out);
  std::vector<torch::Tensor> gouts;
  if (grad_outputs) gouts = mlg::tensors(grad_outputs, n_out);
  auto grads = torch::autograd::grad(outs, mlg::tensors(inputs, n_in), gouts,
                                     retain_graph < 0 ? c10::nullopt : c10::optional<bool>(retain_graph != 0),
                                     create_graph != 0, allow_unused != 0);
  TensorHandle* out = alloc(static_cast<int>(grads.size()));
  for (size_t i = 0; i < grads.size(); ++i) out[i] = grads[i].defined() ? mlg::wrap(grads[i]) : nullptr;
  return static_cast<int>(grads.size());
  MLG_CATCH(-1)
}

// The gradient of a leaf, or null when it has none (no error is set then).
MLG_API TensorHandle mlg_tensor_grad(TensorHandle t) {
  MLG_TRY
  auto g = t->grad();
  return g.defined() ? mlg::wrap(g) : nullptr;
  MLG_CATCH(nullptr)
}
MLG_API int mlg_tensor_set_grad(TensorHandle t, TensorHandle grad) {
  MLG_STATUS(t->mutable_grad() = grad ? *grad : torch::Tensor())
}
MLG_API int mlg_tensor_retain_grad(TensorHandle t) { MLG_STATUS(t->retain_grad()) }

// Sets every gradient to zero (set_to_none = 0) or drops it (1).
MLG_API int mlg_zero_grad(TensorHandle* params, int n, int set_to_none) {
  MLG_TRY
  for (int i = 0; i < n; ++i) {
    auto& g = params[i]->mutable_grad();
    if (!g.defined()) continue;
    if (set_to_none) g = torch::Tensor();
    else {
      if (g.grad_fn()) g = g.detach();
      else g.requires_grad_(false);
      g.zero_();
    }
  }
  return 0;
  MLG_CATCH(-1)
}

MLG_API int mlg_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
MLG_API void mlg_set_grad_enabled(int enabled) { at::GradMode::set_enabled(enabled != 0); }
MLG_API int mlg_is_inference_mode_enabled() { return c10::InferenceMode::is_enabled() ? 1 : 0; }

// Inference mode is an RAII guard in C++: the managed scope holds one on the heap, on the same thread.
MLG_API void* mlg_inference_mode_enter(int enabled) {
  MLG_TRY
  return new c10::InferenceMode(enabled != 0);
  MLG_CATCH(nullptr)
}
MLG_API void mlg_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }
