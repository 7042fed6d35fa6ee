// torch.nn.functional: layers, normalisation, pooling, resizing, activations and losses.
// The managed nn modules own their parameters and call these; nothing here keeps state.
#include "common.h"
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>

namespace F = torch::nn::functional;
using mlg::dims;

namespace {
inline c10::optional<torch::Tensor> opt(TensorHandle t) {
  return t ? c10::optional<torch::Tensor>(*t) : c10::nullopt;
}
inline torch::Tensor or_undefined(TensorHandle t) { return t ? *t : torch::Tensor(); }
// reduction: 0 none, 1 mean, 2 sum (at::Reduction's numbering differs: None=0, Mean=1, Sum=2 -- the same)
inline int64_t reduction(int r) { return r; }
}  // namespace

MLG_API TensorHandle mlg_linear(TensorHandle x, TensorHandle w, TensorHandle b) {
  MLG_HANDLE(torch::linear(*x, *w, or_undefined(b)))
}

MLG_API TensorHandle mlg_conv2d(TensorHandle x, TensorHandle w, TensorHandle b, const int64_t* stride,
                                const int64_t* padding, const int64_t* dilation, int64_t groups) {
  MLG_HANDLE(torch::conv2d(*x, *w, or_undefined(b), dims(stride, 2), dims(padding, 2), dims(dilation, 2), groups))
}

namespace {
std::atomic<bool> fast_conv_transpose{std::getenv("MLGEN_NO_FAST_CONV_TRANSPOSE") == nullptr};

// libtorch 1.13 runs float32 transposed convolutions as im2col + GEMM + col2im, without oneDNN. When the
// kernel equals the stride (no overlap, no padding), the op is exactly one GEMM per pixel followed by a
// pixel rearrangement, which autograd differentiates as well:
//   (B, Cin, H, W) -> (B·H·W, Cin) @ (Cin, Cout·k·k) -> (B, Cout, H·k, W·k).
// With k = 1 it is a 1x1 convolution with the weight transposed, which oneDNN runs.
bool is_pixel_transpose(const torch::Tensor& x, const torch::Tensor& w, const int64_t* stride, const int64_t* padding,
                        const int64_t* output_padding, int64_t groups, const int64_t* dilation) {
  return x.dim() == 4 && w.dim() == 4 && groups == 1 && w.size(2) == stride[0] && w.size(3) == stride[1] &&
         padding[0] == 0 && padding[1] == 0 && output_padding[0] == 0 && output_padding[1] == 0 && dilation[0] == 1 &&
         dilation[1] == 1 && x.device().is_cpu() && fast_conv_transpose.load(std::memory_order_relaxed);
}

// out = a @ b with the rows of a split over torch's threads, each a single-threaded BLAS call: the BLAS has one
// thread of its own (beside torch's), so one big call would leave the other cores idle.
torch::Tensor parallel_mm(const torch::Tensor& a, const torch::Tensor& b) {
  auto out = torch::empty({a.size(0), b.size(1)}, a.options());
  const int64_t grain = std::max<int64_t>(64, a.size(0) / (4 * at::get_num_threads()) + 1);
  const at::ThreadLocalState caller;
  at::parallel_for(0, a.size(0), grain, [&](int64_t begin, int64_t end) {
    // Grad and inference modes are per thread: the pool's threads take the caller's.
    at::ThreadLocalStateGuard same_modes(caller);
    auto o = out.narrow(0, begin, end - begin);
    at::mm_out(o, a.narrow(0, begin, end - begin), b);
  });
  return out;
}

// The same with the columns of b split: for a @ b whose a has few rows and a long inner dimension.
torch::Tensor parallel_mm_columns(const torch::Tensor& a, const torch::Tensor& b) {
  auto out = torch::empty({a.size(0), b.size(1)}, a.options());
  const int64_t grain = std::max<int64_t>(16, b.size(1) / (2 * at::get_num_threads()) + 1);
  const at::ThreadLocalState caller;
  at::parallel_for(0, b.size(1), grain, [&](int64_t begin, int64_t end) {
    at::ThreadLocalStateGuard same_modes(caller);
    auto o = out.narrow(1, begin, end - begin);
    o.copy_(a.mm(b.narrow(1, begin, end - begin)));
  });
  return out;
}

// (B, C, H, W) -> (B·H·W, C)
torch::Tensor pixels_as_rows(const torch::Tensor& x) {
  return x.permute({0, 2, 3, 1}).reshape({x.size(0) * x.size(2) * x.size(3), x.size(1)});
}

// Whether the batch gives every torch thread at least two images: the image-by-image paths need it to keep all
// threads busy; smaller batches take the whole-batch GEMMs.
bool enough_images_per_thread(const torch::Tensor& x) { return x.size(0) >= 2 * at::get_num_threads(); }

// Kernel = stride transposed convolution without autograd: per image, one GEMM (Cout·kh·kw, Cin) @ (Cin, H·W)
// written straight into its place in the output (1x1: the GEMM's result is the image), images split over
// torch's threads, each GEMM single-threaded. No batch-sized copy of the input rows or of the GEMM result: those
// were 2 of the 3 largest buffers when sampling 256 images at 64x64. b (optional) is added image by image.
torch::Tensor pixel_transpose_by_image(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  const auto B = x.size(0), Cin = x.size(1), H = x.size(2), W = x.size(3);
  const auto Cout = w.size(1), kh = w.size(2), kw = w.size(3);
  auto out = torch::empty({B, Cout, H * kh, W * kw}, x.options());
  const auto wt = w.reshape({Cin, Cout * kh * kw}).t();  // a transposed view: the BLAS reads it as is
  const auto input = x.contiguous();
  const auto bias = b.defined() ? b.view({Cout, 1}) : b;
  const at::ThreadLocalState caller;
  at::parallel_for(0, B, std::max<int64_t>(1, B / at::get_num_threads()), [&](int64_t begin, int64_t end) {
    at::ThreadLocalStateGuard same_modes(caller);  // grad and inference modes are per thread
    for (int64_t i = begin; i < end; ++i) {
      auto xi = input[i].view({Cin, H * W});
      auto oi = out[i].view({Cout, H * kh * W * kw});
      if (kh == 1 && kw == 1) {
        at::mm_out(oi, wt, xi);
      } else {
        // (Cout, kh, kw, H, W) -> (Cout, H, kh, W, kw)
        out[i].view({Cout, H, kh, W, kw}).permute({0, 2, 4, 1, 3}).copy_(wt.mm(xi).view({Cout, kh, kw, H, W}));
      }
      if (bias.defined()) oi.add_(bias);
    }
  });
  return out;
}

// The same over the whole batch at once: (B·H·W, Cin) @ (Cin, Cout·kh·kw), rows split over the threads. For
// batches too small to give every thread images of its own.
torch::Tensor pixel_transpose_whole_batch(const torch::Tensor& x, const torch::Tensor& w) {
  const auto B = x.size(0), H = x.size(2), W = x.size(3);
  const auto Cout = w.size(1), kh = w.size(2), kw = w.size(3);
  auto y = parallel_mm(pixels_as_rows(x), w.reshape({w.size(0), Cout * kh * kw}));
  // (B, H, W, Cout, kh, kw) -> (B, Cout, H, kh, W, kw) -> (B, Cout, H·kh, W·kw)
  return y.view({B, H, W, Cout, kh, kw}).permute({0, 3, 1, 4, 2, 5}).reshape({B, Cout, H * kh, W * kw});
}

torch::Tensor pixel_transpose_forward(const torch::Tensor& x, const torch::Tensor& w) {
  return enough_images_per_thread(x) ? pixel_transpose_by_image(x, w, {}) : pixel_transpose_whole_batch(x, w);
}

// The differentiable op, with its own backward so that only x (kept alive by the layer before anyway) is saved,
// not a rearranged copy, and every GEMM uses all threads:
//   y = rearrange(rows(x) @ W),  dx = rows⁻¹(rearrange⁻¹(dy) @ Wᵀ),  dW = rows(x)ᵀ @ rearrange⁻¹(dy).
struct PixelTranspose : public torch::autograd::Function<PixelTranspose> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, torch::Tensor x, torch::Tensor w) {
    ctx->save_for_backward({x, w});
    return pixel_transpose_forward(x, w);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    return (enough_images_per_thread(x) ? backward_by_image : backward_whole_batch)(x, saved[1], grads[0], ctx->needs_input_grad(0),
                                                                 ctx->needs_input_grad(1));
  }

  static torch::autograd::tensor_list backward_whole_batch(const torch::Tensor& x, const torch::Tensor& w,
                                                           const torch::Tensor& grad, bool need_dx, bool need_dw) {
    const auto B = x.size(0), Cin = x.size(1), H = x.size(2), W = x.size(3);
    const auto Cout = w.size(1), kh = w.size(2), kw = w.size(3);
    auto dy = grad.view({B, Cout, H, kh, W, kw}).permute({0, 2, 4, 1, 3, 5}).reshape({B * H * W, Cout * kh * kw});
    auto w2 = w.reshape({Cin, Cout * kh * kw});
    torch::Tensor dx, dw;
    if (need_dx) dx = parallel_mm(dy, w2.t()).view({B, H, W, Cin}).permute({0, 3, 1, 2}).contiguous();
    if (need_dw) dw = parallel_mm_columns(pixels_as_rows(x).t(), dy).view({Cin, Cout, kh, kw});
    return {dx, dw};
  }

  // The mirror of the image-by-image forward: per image, dy's pixels gathered to (Cout·kh·kw, H·W) (a small
  // copy), dx = W2 @ that written straight into dx's NCHW place, dW accumulated per thread and summed in a fixed
  // order. No batch-sized rearranged copy of dy and no transposed copy of dx.
  static torch::autograd::tensor_list backward_by_image(const torch::Tensor& x_saved, const torch::Tensor& w,
                                                        const torch::Tensor& grad, bool need_dx, bool need_dw) {
    const auto x = x_saved.contiguous();
    const auto B = x.size(0), Cin = x.size(1), H = x.size(2), W = x.size(3);
    const auto Cout = w.size(1), kh = w.size(2), kw = w.size(3), M = Cout * kh * kw;
    const auto dy = grad.contiguous();
    const auto w2 = w.reshape({Cin, M});
    torch::Tensor dx = need_dx ? torch::empty_like(x) : torch::Tensor();
    const int64_t grain = (B + at::get_num_threads() - 1) / at::get_num_threads();
    std::map<int64_t, torch::Tensor> partial_dw;  // by first image: summed in a fixed order
    std::mutex partial_lock;
    const at::ThreadLocalState caller;
    at::parallel_for(0, B, grain, [&](int64_t begin, int64_t end) {
      at::ThreadLocalStateGuard same_modes(caller);
      torch::Tensor dw_part = need_dw ? torch::zeros({Cin, M}, x.options()) : torch::Tensor();
      for (int64_t i = begin; i < end; ++i) {
        // (Cout, H, kh, W, kw) -> (Cout, kh, kw, H, W)
        auto gi = dy[i].view({Cout, H, kh, W, kw}).permute({0, 2, 4, 1, 3}).reshape({M, H * W});
        if (need_dx) {
          auto dxi = dx[i].view({Cin, H * W});
          at::mm_out(dxi, w2, gi);
        }
        if (need_dw) dw_part.addmm_(x[i].view({Cin, H * W}), gi.t());
      }
      if (need_dw) {
        std::lock_guard<std::mutex> lock(partial_lock);
        partial_dw.emplace(begin, dw_part);
      }
    });
    torch::Tensor dw;
    if (need_dw) {
      for (auto& [first, part] : partial_dw) dw = dw.defined() ? dw.add_(part) : part;
      dw = dw.view({Cin, Cout, kh, kw});
    }
    return {dx, dw};
  }
};

torch::Tensor pixel_transpose(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b) {
  const bool recording = torch::GradMode::is_enabled();
  // Inference (sampling, decoding): bias and 1x1 layers too go image by image (oneDNN's 1x1 convolution
  // reorders whole-batch copies of its input and output).
  if (!recording && enough_images_per_thread(x)) return pixel_transpose_by_image(x, w, b);
  // Training: oneDNN's 1x1 convolution was measured as fast as the GEMM path.
  if (w.size(2) == 1 && w.size(3) == 1) return torch::conv2d(x, w.transpose(0, 1), b);
  auto y = PixelTranspose::apply(x, w);
  return b.defined() ? y + b.view({1, w.size(1), 1, 1}) : y;
}
}  // namespace

// Turns the fast path on or off (on by default; MLGEN_NO_FAST_CONV_TRANSPOSE turns it off at start).
MLG_API void mlg_set_fast_conv_transpose(int enabled) { fast_conv_transpose.store(enabled != 0); }
MLG_API int mlg_get_fast_conv_transpose() { return fast_conv_transpose.load() ? 1 : 0; }

MLG_API TensorHandle mlg_conv_transpose2d(TensorHandle x, TensorHandle w, TensorHandle b, const int64_t* stride,
                                          const int64_t* padding, const int64_t* output_padding, int64_t groups,
                                          const int64_t* dilation) {
  MLG_TRY
  if (is_pixel_transpose(*x, *w, stride, padding, output_padding, groups, dilation) && x->size(1) == w->size(0))
    return mlg::wrap(pixel_transpose(*x, *w, or_undefined(b)));
  return mlg::wrap(torch::conv_transpose2d(*x, *w, or_undefined(b), dims(stride, 2), dims(padding, 2),
                                           dims(output_padding, 2), groups, dims(dilation, 2)));
  MLG_CATCH(nullptr)
}

MLG_API TensorHandle mlg_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle running_mean,
                                    TensorHandle running_var, int training, double momentum, double eps) {
  MLG_TRY
  if (training != 0 && mlg::in_data_parallel())
    return mlg::wrap(mlg::sync_batch_norm(*x, or_undefined(weight), or_undefined(bias), or_undefined(running_mean),
                                          or_undefined(running_var), momentum, eps));
  return mlg::wrap(torch::batch_norm(*x, or_undefined(weight), or_undefined(bias), or_undefined(running_mean),
                                     or_undefined(running_var), training != 0, momentum, eps, true));
  MLG_CATCH(nullptr)
}

// Batch norm with running statistics, written over x in one pass (x·α + β, α = w/√(var+ε), β = b − mean·α, as
// ATen's inference kernel computes it). For intermediate results when no gradient is recorded.
MLG_API int mlg_batch_norm_inference_(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle running_mean,
                                      TensorHandle running_var, double eps) {
  MLG_TRY
  TORCH_CHECK(!torch::GradMode::is_enabled() || !x->requires_grad(), "in-place batch norm while recording gradients");
  auto alpha = (running_var->to(torch::kFloat64) + eps).rsqrt();
  if (weight) alpha = alpha * weight->to(torch::kFloat64);
  auto beta = -running_mean->to(torch::kFloat64) * alpha;
  if (bias) beta = beta + bias->to(torch::kFloat64);
  std::vector<int64_t> shape(x->dim(), 1);
  shape[1] = x->size(1);
  at::addcmul_out(*x, beta.to(x->scalar_type()).view(shape), *x, alpha.to(x->scalar_type()).view(shape));
  return 0;
  MLG_CATCH(-1)
}

MLG_API TensorHandle mlg_instance_norm(TensorHandle x, TensorHandle weight, TensorHandle bias, TensorHandle running_mean,
                                       TensorHandle running_var, int use_input_stats, double momentum, double eps) {
  MLG_HANDLE(torch::instance_norm(*x, or_undefined(weight), or_undefined(bias), or_undefined(running_mean),
                                  or_undefined(running_var), use_input_stats != 0, momentum, eps, true))
}

MLG_API TensorHandle mlg_layer_norm(TensorHandle x, const int64_t* shape, int n, TensorHandle weight, TensorHandle bias,
                                    double eps) {
  MLG_HANDLE(torch::layer_norm(*x, dims(shape, n), opt(weight), opt(bias), eps))
}

MLG_API TensorHandle mlg_group_norm(TensorHandle x, int64_t groups, TensorHandle weight, TensorHandle bias, double eps) {
  MLG_HANDLE(torch::group_norm(*x, groups, opt(weight), opt(bias), eps))
}

MLG_API TensorHandle mlg_dropout(TensorHandle x, double p, int training) {
  MLG_TRY
  auto gen = mlg::generator();
  if (!gen || training == 0 || p <= 0) return mlg::wrap(torch::dropout(*x, p, training != 0));
  // Inside a data-parallel worker: the same inverted dropout, with the worker's generator.
  if (p >= 1) return mlg::wrap(*x * 0);
  auto keep = torch::empty_like(*x).bernoulli_(1 - p, gen).div_(1 - p);
  return mlg::wrap(*x * keep);
  MLG_CATCH(nullptr)
}

MLG_API TensorHandle mlg_embedding(TensorHandle weight, TensorHandle indices, int64_t padding_idx) {
  MLG_HANDLE(torch::embedding(*weight, *indices, padding_idx))
}

// mode: 0 nearest, 1 bilinear. Either an output size (h, w) or scale factors (sh, sw) is given.
MLG_API TensorHandle mlg_interpolate(TensorHandle x, int mode, const int64_t* size, const double* scale,
                                     int align_corners) {
  MLG_TRY
  auto o = F::InterpolateFuncOptions();
  if (size) o.size(std::vector<int64_t>{size[0], size[1]});
  else o.scale_factor(std::vector<double>{scale[0], scale[1]});
  if (mode == 0) o.mode(torch::kNearest);
  else {
    o.mode(torch::kBilinear);
    o.align_corners(align_corners != 0);
  }
  return mlg::wrap(F::interpolate(*x, o));
  MLG_CATCH(nullptr)
}

MLG_API TensorHandle mlg_max_pool2d(TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                    const int64_t* padding, const int64_t* dilation, int ceil_mode) {
  MLG_HANDLE(torch::max_pool2d(*x, dims(kernel, 2), dims(stride, 2), dims(padding, 2), dims(dilation, 2),
                               ceil_mode != 0))
}

MLG_API TensorHandle mlg_avg_pool2d(TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                    const int64_t* padding, int ceil_mode, int count_include_pad,
                                    int64_t divisor_override) {
  MLG_HANDLE(torch::avg_pool2d(*x, dims(kernel, 2), dims(stride, 2), dims(padding, 2), ceil_mode != 0,
                               count_include_pad != 0,
                               divisor_override > 0 ? c10::optional<int64_t>(divisor_override) : c10::nullopt))
}

// max: 0 adaptive average, 1 adaptive max (values only)
MLG_API TensorHandle mlg_adaptive_pool2d(TensorHandle x, const int64_t* size, int max) {
  MLG_HANDLE(max ? std::get<0>(torch::adaptive_max_pool2d(*x, dims(size, 2)))
                 : torch::adaptive_avg_pool2d(*x, dims(size, 2)))
}

// mode: 0 constant, 1 reflect, 2 replicate, 3 circular
MLG_API TensorHandle mlg_pad(TensorHandle x, const int64_t* pads, int n, int mode, double value) {
  MLG_TRY
  auto o = F::PadFuncOptions(std::vector<int64_t>(pads, pads + n));
  switch (mode) {
    case 0: o.mode(torch::kConstant).value(value); break;
    case 1: o.mode(torch::kReflect); break;
    case 2: o.mode(torch::kReplicate); break;
    case 3: o.mode(torch::kCircular); break;
    default: TORCH_CHECK(false, "unknown padding mode ", mode);
  }
  return mlg::wrap(F::pad(*x, o));
  MLG_CATCH(nullptr)
}

MLG_API TensorHandle mlg_pixel_shuffle(TensorHandle x, int64_t factor, int inverse) {
  MLG_HANDLE(inverse ? torch::pixel_unshuffle(*x, factor) : torch::pixel_shuffle(*x, factor))
}

// ---- activations with parameters ---------------------------------------------------------------
// op: 0 leaky_relu(a), 1 softplus(beta a, threshold b), 2 elu(alpha a), 3 hardtanh(min a, max b),
//     4 celu(a), 5 threshold(a, value b), 6 gelu tanh approximation, 7 relu6
MLG_API TensorHandle mlg_activation(int op, TensorHandle x, double a, double b) {
  MLG_TRY
  torch::Tensor r;
  switch (op) {
    case 0: r = torch::leaky_relu(*x, a); break;
    case 1: r = torch::softplus(*x, a, b); break;
    case 2: r = torch::elu(*x, a); break;
    case 3: r = torch::hardtanh(*x, a, b); break;
    case 4: r = torch::celu(*x, a); break;
    case 5: r = torch::threshold(*x, a, b); break;
    case 6: r = torch::gelu(*x, "tanh"); break;
    case 7: r = torch::hardtanh(*x, 0.0, 6.0); break;
    default: TORCH_CHECK(false, "unknown activation ", op);
  }
  return mlg::wrap(r);
  MLG_CATCH(nullptr)
}
MLG_API int mlg_leaky_relu_(TensorHandle x, double slope) { MLG_STATUS(torch::leaky_relu_(*x, slope)) }

MLG_API TensorHandle mlg_normalize(TensorHandle x, double p, int64_t dim, double eps) {
  MLG_HANDLE(F::normalize(*x, F::NormalizeFuncOptions().p(p).dim(dim).eps(eps)))
}

// ---- losses --------------------------------------------------------------------------------------
// op: 0 mse, 1 l1, 2 binary_cross_entropy(weight), 3 bce_with_logits(weight, pos_weight), 4 smooth_l1(beta a),
//     5 huber(delta a), 6 kl_div(log_target a != 0), 7 nll(weight, ignore_index a), 8 cross_entropy(weight,
//     ignore_index a, label_smoothing b)
MLG_API TensorHandle mlg_loss(int op, TensorHandle input, TensorHandle target, TensorHandle weight,
                              TensorHandle pos_weight, int reduction_kind, double a, double b) {
  MLG_TRY
  auto r = reduction(reduction_kind);
  torch::Tensor out;
  switch (op) {
    case 0: out = torch::mse_loss(*input, *target, r); break;
    case 1: out = torch::l1_loss(*input, *target, r); break;
    case 2: out = torch::binary_cross_entropy(*input, *target, opt(weight), r); break;
    case 3: out = torch::binary_cross_entropy_with_logits(*input, *target, opt(weight), opt(pos_weight), r); break;
    case 4: out = torch::smooth_l1_loss(*input, *target, r, a); break;
    case 5: out = torch::huber_loss(*input, *target, r, a); break;
    case 6: out = torch::kl_div(*input, *target, r, a != 0); break;
    case 7: out = torch::nll_loss(*input, *target, opt(weight), r, static_cast<int64_t>(a)); break;
    case 8: out = torch::cross_entropy_loss(*input, *target, opt(weight), r, static_cast<int64_t>(a), b); break;
    default: TORCH_CHECK(false, "unknown loss ", op);
  }
  return mlg::wrap(out);
  MLG_CATCH(nullptr)
}
