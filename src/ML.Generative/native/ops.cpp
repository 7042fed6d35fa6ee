// Tensor math: element-wise, comparison, reductions, shapes, joining/splitting, indexing.
// Families of ops share one entry point with an op code; the codes match Torch/Native/NativeOps.cs.
#include "common.h"
#include <cmath>

using mlg::dims;
namespace idx = torch::indexing;

namespace {
// PyTorch rejects a floating alpha for integer tensors; a whole alpha is passed as an integer then.
c10::Scalar alpha_for(const torch::Tensor& t, double alpha) {
  if (!c10::isFloatingType(t.scalar_type()) && alpha == static_cast<double>(static_cast<int64_t>(alpha)))
    return c10::Scalar(static_cast<int64_t>(alpha));
  return c10::Scalar(alpha);
}

torch::Tensor unary(int op, const torch::Tensor& a) {
  switch (op) {
    case 0: return a.neg();
    case 1: return a.abs();
    case 2: return a.sign();
    case 3: return a.exp();
    case 4: return a.log();
    case 5: return a.sqrt();
    case 6: return a.rsqrt();
    case 7: return a.sin();
    case 8: return a.cos();
    case 9: return a.tanh();
    case 10: return a.sigmoid();
    case 11: return a.relu();
    case 12: return a.floor();
    case 13: return a.ceil();
    case 14: return a.round();
    case 15: return a.log1p();
    case 16: return a.expm1();
    case 17: return a.reciprocal();
    case 18: return a.square();
    case 19: return a.logical_not();
    case 20: return torch::silu(a);
    case 21: return torch::gelu(a);
    case 22: return a.isnan();
    case 23: return a.isinf();
    case 24: return a.isfinite();
    case 25: return a.erf();
    case 26: return torch::log_sigmoid(a);
    case 27: return a.trunc();
    case 28: return a.log2();
    case 29: return a.atan();
    default: TORCH_CHECK(false, "unknown unary op ", op);
  }
}

torch::Tensor& unary_(int op, torch::Tensor& a) {
  switch (op) {
    case 0: return a.neg_();
    case 1: return a.abs_();
    case 3: return a.exp_();
    case 4: return a.log_();
    case 5: return a.sqrt_();
    case 9: return a.tanh_();
    case 10: return a.sigmoid_();
    case 11: return a.relu_();
    case 18: return a.square_();
    default: TORCH_CHECK(false, "unary op ", op, " has no in-place form");
  }
}

torch::Tensor binary(int op, const torch::Tensor& a, const torch::Tensor& b, double alpha) {
  switch (op) {
    case 0: return a.add(b, alpha_for(a, alpha));
    case 1: return a.sub(b, alpha_for(a, alpha));
    case 2: return a.mul(b);
    case 3: return a.div(b);
    case 4: return a.pow(b);
    case 5: return a.eq(b);
    case 6: return a.ne(b);
    case 7: return a.lt(b);
    case 8: return a.le(b);
    case 9: return a.gt(b);
    case 10: return a.ge(b);
    case 11: return torch::maximum(a, b);
    case 12: return torch::minimum(a, b);
    case 13: return a.matmul(b);
    case 14: return a.mm(b);
    case 15: return a.bmm(b);
    case 16: return a.logical_and(b);
    case 17: return a.logical_or(b);
    case 18: return a.remainder(b);
    case 19: return a.atan2(b);
    case 20: return a.dot(b);
    case 21: return a.outer(b);
    case 22: return a.bitwise_and(b);
    case 23: return a.bitwise_or(b);
    case 24: return a.logical_xor(b);
    default: TORCH_CHECK(false, "unknown binary op ", op);
  }
}

torch::Tensor binary_scalar(int op, const torch::Tensor& a, const c10::Scalar& s, double alpha) {
  switch (op) {
    case 0: return a.add(s, alpha_for(a, alpha));
    case 1: return a.sub(s, alpha_for(a, alpha));
    case 2: return a.mul(s);
    case 3: return a.div(s);
    case 4: return a.pow(s);
    case 5: return a.eq(s);
    case 6: return a.ne(s);
    case 7: return a.lt(s);
    case 8: return a.le(s);
    case 9: return a.gt(s);
    case 10: return a.ge(s);
    case 11: return a.clamp_min(s);
    case 12: return a.clamp_max(s);
    case 18: return a.remainder(s);
    case 25: return torch::rsub(a, s, alpha_for(a, alpha));  // s - a
    case 26: return torch::pow(s, a);          // s ** a
    case 27: return a.reciprocal().mul(s);     // s / a
    default: TORCH_CHECK(false, "binary op ", op, " has no scalar form");
  }
}

void binary_(int op, torch::Tensor& a, const torch::Tensor* b, const c10::Scalar* s, double alpha) {
  switch (op) {
    case 0: b ? a.add_(*b, alpha_for(a, alpha)) : a.add_(*s, alpha_for(a, alpha)); break;
    case 1: b ? a.sub_(*b, alpha_for(a, alpha)) : a.sub_(*s, alpha_for(a, alpha)); break;
    case 2: b ? a.mul_(*b) : a.mul_(*s); break;
    case 3: b ? a.div_(*b) : a.div_(*s); break;
    case 4: b ? a.pow_(*b) : a.pow_(*s); break;
    case 11: b ? a.clamp_min_(*b) : a.clamp_min_(*s); break;
    case 12: b ? a.clamp_max_(*b) : a.clamp_max_(*s); break;
    default: TORCH_CHECK(false, "binary op ", op, " has no in-place form");
  }
}

c10::Scalar scalar(double v, int64_t iv, int is_int) { return is_int ? c10::Scalar(iv) : c10::Scalar(v); }
}  // namespace

// ---- element-wise -------------------------------------------------------------------------------

MLG_API TensorHandle mlg_unary(int op, TensorHandle a) { MLG_HANDLE(unary(op, *a)) }
MLG_API int mlg_unary_(int op, TensorHandle a) { MLG_STATUS(unary_(op, *a)) }
MLG_API TensorHandle mlg_binary(int op, TensorHandle a, TensorHandle b, double alpha) {
  MLG_HANDLE(binary(op, *a, *b, alpha))
}
MLG_API TensorHandle mlg_binary_scalar(int op, TensorHandle a, double v, int64_t iv, int is_int, double alpha) {
  MLG_HANDLE(binary_scalar(op, *a, scalar(v, iv, is_int), alpha))
}
MLG_API int mlg_binary_(int op, TensorHandle a, TensorHandle b, double alpha) {
  MLG_STATUS(binary_(op, *a, b, nullptr, alpha))
}
MLG_API int mlg_binary_scalar_(int op, TensorHandle a, double v, int64_t iv, int is_int, double alpha) {
  MLG_TRY
  auto s = scalar(v, iv, is_int);
  binary_(op, *a, nullptr, &s, alpha);
  return 0;
  MLG_CATCH(-1)
}
// a + value * b * c  and  a + value * b / c (the optimizers' building blocks)
MLG_API TensorHandle mlg_addcmul(TensorHandle a, TensorHandle b, TensorHandle c, double value) {
  MLG_HANDLE(a->addcmul(*b, *c, value))
}
MLG_API TensorHandle mlg_addcdiv(TensorHandle a, TensorHandle b, TensorHandle c, double value) {
  MLG_HANDLE(a->addcdiv(*b, *c, value))
}
MLG_API TensorHandle mlg_lerp(TensorHandle a, TensorHandle b, double weight) { MLG_HANDLE(a->lerp(*b, weight)) }
MLG_API TensorHandle mlg_where(TensorHandle cond, TensorHandle a, TensorHandle b) {
  MLG_HANDLE(torch::where(*cond, *a, *b))
}
MLG_API TensorHandle mlg_clamp(TensorHandle a, double min, int has_min, double max, int has_max) {
  MLG_HANDLE(a->clamp(has_min ? c10::optional<c10::Scalar>(min) : c10::nullopt,
                      has_max ? c10::optional<c10::Scalar>(max) : c10::nullopt))
}
MLG_API int mlg_clamp_(TensorHandle a, double min, int has_min, double max, int has_max) {
  MLG_STATUS(a->clamp_(has_min ? c10::optional<c10::Scalar>(min) : c10::nullopt,
                       has_max ? c10::optional<c10::Scalar>(max) : c10::nullopt))
}
MLG_API TensorHandle mlg_masked_fill(TensorHandle a, TensorHandle mask, double value) {
  MLG_HANDLE(a->masked_fill(*mask, value))
}
MLG_API int mlg_fill_(TensorHandle a, double value) { MLG_STATUS(a->fill_(value)) }
MLG_API int mlg_zero_(TensorHandle a) { MLG_STATUS(a->zero_()) }
MLG_API int mlg_normal_(TensorHandle a, double mean, double std) { MLG_STATUS(a->normal_(mean, std, mlg::generator())) }
MLG_API int mlg_uniform_(TensorHandle a, double from, double to) { MLG_STATUS(a->uniform_(from, to, mlg::generator())) }
MLG_API TensorHandle mlg_bernoulli(TensorHandle probabilities) { MLG_HANDLE(torch::bernoulli(*probabilities, mlg::generator())) }
MLG_API TensorHandle mlg_allclose_tensor(TensorHandle a, TensorHandle b, double rtol, double atol) {
  MLG_HANDLE(torch::scalar_tensor(a->allclose(*b, rtol, atol) ? 1 : 0, torch::kBool))
}

// ---- reductions ---------------------------------------------------------------------------------
// op: 0 sum, 1 mean, 2 prod, 3 std, 4 var, 5 amax, 6 amin, 7 logsumexp, 8 norm(p=2), 9 all, 10 any,
//     11 argmax, 12 argmin, 13 count_nonzero. ndims = 0 reduces over every dimension.
MLG_API TensorHandle mlg_reduce(int op, TensorHandle a, const int64_t* dim_list, int ndims, int keepdim,
                                int unbiased) {
  MLG_TRY
  const auto& t = *a;
  bool all = ndims == 0;
  auto d = dims(dim_list, ndims);
  bool k = keepdim != 0;
  std::vector<int64_t> every;
  if (all && (op == 5 || op == 6 || op == 7)) {
    for (int64_t i = 0; i < t.dim(); ++i) every.push_back(i);
    d = c10::IntArrayRef(every);
  }
  torch::Tensor r;
  switch (op) {
    case 0: r = all && !k ? t.sum() : t.sum(d, k); break;
    case 1: r = all && !k ? t.mean() : t.mean(d, k); break;
    case 2: TORCH_CHECK(ndims <= 1, "prod reduces over one dimension at a time");
            r = all ? t.prod() : t.prod(dim_list[0], k); break;
    case 3: r = all && !k ? t.std(unbiased != 0) : t.std(d, unbiased != 0, k); break;
    case 4: r = all && !k ? t.var(unbiased != 0) : t.var(d, unbiased != 0, k); break;
    case 5: r = t.amax(d, k); break;
    case 6: r = t.amin(d, k); break;
    case 7: r = t.logsumexp(d, k); break;
    case 8: r = all && !k ? t.norm() : t.norm(2, d, k); break;
    case 9: TORCH_CHECK(ndims <= 1, "all reduces over one dimension at a time");
            r = all ? t.all() : t.all(dim_list[0], k); break;
    case 10: TORCH_CHECK(ndims <= 1, "any reduces over one dimension at a time");
             r = all ? t.any() : t.any(dim_list[0], k); break;
    case 11: r = t.argmax(all ? c10::nullopt : c10::optional<int64_t>(dim_list[0]), k); break;
    case 12: r = t.argmin(all ? c10::nullopt : c10::optional<int64_t>(dim_list[0]), k); break;
    case 13: r = all ? t.count_nonzero() : t.count_nonzero(d); break;
    default: TORCH_CHECK(false, "unknown reduction ", op);
  }
  return mlg::wrap(r);
  MLG_CATCH(nullptr)
}

// max/min along a dimension: values and indices. op: 0 max, 1 min, 2 sort (descending flag), 3 topk(k)
MLG_API int mlg_reduce_with_indices(int op, TensorHandle a, int64_t dim, int keepdim, int64_t k, int descending,
                                    TensorHandle* values, TensorHandle* indices) {
  MLG_TRY
  std::tuple<torch::Tensor, torch::Tensor> r;
  switch (op) {
    case 0: r = a->max(dim, keepdim != 0); break;
    case 1: r = a->min(dim, keepdim != 0); break;
    case 2: r = a->sort(dim, descending != 0); break;
    case 3: r = a->topk(k, dim, descending != 0, true); break;
    default: TORCH_CHECK(false, "unknown indexed reduction ", op);
  }
  *values = mlg::wrap(std::get<0>(r));
  *indices = mlg::wrap(std::get<1>(r));
  return 0;
  MLG_CATCH(-1)
}

MLG_API TensorHandle mlg_cumsum(TensorHandle a, int64_t dim) { MLG_HANDLE(a->cumsum(dim)) }
MLG_API TensorHandle mlg_softmax(TensorHandle a, int64_t dim, int log) {
  MLG_HANDLE(log ? a->log_softmax(dim) : a->softmax(dim))
}

// ---- shapes -------------------------------------------------------------------------------------
// op: 0 view, 1 reshape, 2 permute, 3 expand, 4 repeat, 5 flip, 6 squeeze(dims...), 7 broadcast_to,
//     8 tile, 9 new_view_as_strided? (unused)
MLG_API TensorHandle mlg_shape_op(int op, TensorHandle a, const int64_t* values, int n) {
  MLG_TRY
  auto v = dims(values, n);
  torch::Tensor r;
  switch (op) {
    case 0: r = a->view(v); break;
    case 1: r = a->reshape(v); break;
    case 2: r = a->permute(v); break;
    case 3: r = a->expand(v); break;
    case 4: r = a->repeat(v); break;
    case 5: r = a->flip(v); break;
    case 6: {
      r = *a;
      std::vector<int64_t> sorted(v.begin(), v.end());
      for (auto& d : sorted) d = d < 0 ? d + a->dim() : d;
      std::sort(sorted.rbegin(), sorted.rend());
      for (auto d : sorted) r = r.squeeze(d);
      if (n == 0) r = a->squeeze();
      break;
    }
    case 7: r = a->broadcast_to(v); break;
    case 8: r = a->tile(v); break;
    default: TORCH_CHECK(false, "unknown shape op ", op);
  }
  return mlg::wrap(r);
  MLG_CATCH(nullptr)
}

// op: 0 transpose(a,b), 1 flatten(start,end), 2 unsqueeze(a), 3 select(dim a, index b), 4 narrow(dim a,start b,len c),
//     5 movedim(a,b), 6 diagonal(offset a), 7 tril(a), 8 triu(a), 9 t(), 10 diag(a)
MLG_API TensorHandle mlg_dim_op(int op, TensorHandle t, int64_t a, int64_t b, int64_t c) {
  MLG_TRY
  torch::Tensor r;
  switch (op) {
    case 0: r = t->transpose(a, b); break;
    case 1: r = t->flatten(a, b); break;
    case 2: r = t->unsqueeze(a); break;
    case 3: r = t->select(a, b); break;
    case 4: r = t->narrow(a, b, c); break;
    case 5: r = t->movedim(a, b); break;
    case 6: r = t->diagonal(a); break;
    case 7: r = t->tril(a); break;
    case 8: r = t->triu(a); break;
    case 9: r = t->t(); break;
    case 10: r = t->diag(a); break;
    default: TORCH_CHECK(false, "unknown dim op ", op);
  }
  return mlg::wrap(r);
  MLG_CATCH(nullptr)
}

MLG_API TensorHandle mlg_unflatten(TensorHandle t, int64_t dim, const int64_t* sizes, int n) {
  MLG_HANDLE(t->unflatten(dim, dims(sizes, n)))
}

// ---- joining and splitting ----------------------------------------------------------------------

MLG_API TensorHandle mlg_cat(TensorHandle* ts, int n, int64_t dim, int stack) {
  MLG_TRY
  auto v = mlg::tensors(ts, n);
  return mlg::wrap(stack ? torch::stack(v, dim) : torch::cat(v, dim));
  MLG_CATCH(nullptr)
}
// op: 0 chunk(count), 1 split(size), 2 split(sizes...), 3 unbind
MLG_API int mlg_split(int op, TensorHandle t, const int64_t* sizes, int n, int64_t dim, mlg::HandleAllocator alloc) {
  MLG_TRY
  std::vector<torch::Tensor> parts;
  switch (op) {
    case 0: parts = t->chunk(sizes[0], dim); break;
    case 1: parts = t->split(sizes[0], dim); break;
    case 2: parts = t->split_with_sizes(dims(sizes, n), dim); break;
    case 3: parts = t->unbind(dim); break;
    default: TORCH_CHECK(false, "unknown split op ", op);
  }
  return mlg::return_tensors(parts, alloc);
  MLG_CATCH(-1)
}

// ---- indexing -----------------------------------------------------------------------------------
// One index per position: kind 0 integer (a), 1 slice (a:b:c, with INT64_MIN meaning "not given"),
// 2 ellipsis, 3 None (new axis), 4 tensor, 5 boolean (a != 0).
namespace {
#if TORCH_VERSION_MAJOR >= 2
using SliceBound = c10::optional<c10::SymInt>;
#else
using SliceBound = c10::optional<int64_t>;
#endif
std::vector<idx::TensorIndex> indices(const int* kinds, const int64_t* a, const int64_t* b, const int64_t* c,
                                      TensorHandle* tensors, int n) {
  std::vector<idx::TensorIndex> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    switch (kinds[i]) {
      case 0: out.emplace_back(a[i]); break;
      case 1: {
        auto opt = [](int64_t v) { return v == INT64_MIN ? SliceBound() : SliceBound(v); };
        out.emplace_back(idx::Slice(opt(a[i]), opt(b[i]), opt(c[i])));
        break;
      }
      case 2: out.emplace_back(idx::Ellipsis); break;
      case 3: out.emplace_back(idx::None); break;
      case 4: out.emplace_back(*tensors[i]); break;
      case 5: out.emplace_back(a[i] != 0); break;
      default: TORCH_CHECK(false, "unknown index kind ", kinds[i]);
    }
  }
  return out;
}
}  // namespace

MLG_API TensorHandle mlg_index(TensorHandle t, const int* kinds, const int64_t* a, const int64_t* b, const int64_t* c,
                               TensorHandle* tensors, int n) {
  MLG_HANDLE(t->index(indices(kinds, a, b, c, tensors, n)))
}
MLG_API int mlg_index_put_(TensorHandle t, const int* kinds, const int64_t* a, const int64_t* b, const int64_t* c,
                           TensorHandle* tensors, int n, TensorHandle value, double scalar) {
  MLG_TRY
  auto i = indices(kinds, a, b, c, tensors, n);
  if (value) t->index_put_(i, *value);
  else t->index_put_(i, scalar);
  return 0;
  MLG_CATCH(-1)
}
MLG_API TensorHandle mlg_index_select(TensorHandle t, int64_t dim, TensorHandle index) {
  MLG_HANDLE(t->index_select(dim, *index))
}
MLG_API TensorHandle mlg_gather(TensorHandle t, int64_t dim, TensorHandle index) { MLG_HANDLE(t->gather(dim, *index)) }
MLG_API TensorHandle mlg_masked_select(TensorHandle t, TensorHandle mask) { MLG_HANDLE(t->masked_select(*mask)) }
MLG_API TensorHandle mlg_one_hot(TensorHandle t, int64_t classes) {
  MLG_HANDLE(torch::one_hot(*t, classes))
}
MLG_API TensorHandle mlg_nonzero(TensorHandle t) { MLG_HANDLE(t->nonzero()) }

// ---- linear algebra -----------------------------------------------------------------------------

MLG_API int mlg_linalg_eigh(TensorHandle t, TensorHandle* values, TensorHandle* vectors) {
  MLG_TRY
  auto r = torch::linalg_eigh(*t);
  *values = mlg::wrap(std::get<0>(r));
  *vectors = mlg::wrap(std::get<1>(r));
  return 0;
  MLG_CATCH(-1)
}
MLG_API TensorHandle mlg_cdist(TensorHandle a, TensorHandle b, double p) { MLG_HANDLE(torch::cdist(*a, *b, p)) }
MLG_API TensorHandle mlg_einsum(const char* equation, TensorHandle* ts, int n) {
  MLG_HANDLE(torch::einsum(equation, mlg::tensors(ts, n)))
}
