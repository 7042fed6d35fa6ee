// Tensor handles: creation, properties, conversion, copying data in and out, freeing.
#include "common.h"
#include <cstring>

using mlg::dims;
using mlg::options;

MLG_API void mlg_tensor_free(TensorHandle t) { delete t; }

// ---- creation ----------------------------------------------------------------------------------

// Copies `bytes` of host data into a new tensor of the given shape and dtype, then moves it to device.
MLG_API TensorHandle mlg_tensor_from_data(const void* data, int64_t bytes, const int64_t* shape, int ndim, int dtype,
                                          int device_type, int device_index, int requires_grad) {
  MLG_TRY
  auto t = torch::empty(dims(shape, ndim), options(dtype, 0, 0));
  TORCH_CHECK(static_cast<int64_t>(t.nbytes()) == bytes, "data has ", bytes, " bytes but shape ", t.sizes(), " of ",
              t.scalar_type(), " needs ", t.nbytes());
  if (bytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(bytes));
  if (device_type != 0) t = t.to(mlg::device_of(device_type, device_index));
  if (requires_grad) t.set_requires_grad(true);
  return mlg::wrap(t);
  MLG_CATCH(nullptr)
}

// kind: 0 empty, 1 zeros, 2 ones, 3 full(value), 4 rand, 5 randn
MLG_API TensorHandle mlg_tensor_new(int kind, const int64_t* shape, int ndim, double value, int dtype, int device_type,
                                    int device_index, int requires_grad) {
  MLG_TRY
  auto size = dims(shape, ndim);
  auto o = options(dtype, device_type, device_index);
  torch::Tensor t;
  switch (kind) {
    case 0: t = torch::empty(size, o); break;
    case 1: t = torch::zeros(size, o); break;
    case 2: t = torch::ones(size, o); break;
    case 3: t = torch::full(size, value, o); break;
    case 4: t = torch::rand(size, mlg::generator(), o); break;
    case 5: t = torch::randn(size, mlg::generator(), o); break;
    default: TORCH_CHECK(false, "unknown creation kind ", kind);
  }
  if (requires_grad) t.set_requires_grad(true);
  return mlg::wrap(t);
  MLG_CATCH(nullptr)
}

// kind: 0 zeros_like, 1 ones_like, 2 rand_like, 3 randn_like, 4 empty_like, 5 full_like(value)
MLG_API TensorHandle mlg_tensor_new_like(TensorHandle t, int kind, double value) {
  MLG_TRY
  torch::Tensor r;
  switch (kind) {
    case 0: r = torch::zeros_like(*t); break;
    case 1: r = torch::ones_like(*t); break;
    case 2: r = torch::empty_like(*t).uniform_(0, 1, mlg::generator()); break;
    case 3: r = torch::empty_like(*t).normal_(0, 1, mlg::generator()); break;
    case 4: r = torch::empty_like(*t); break;
    case 5: r = torch::full_like(*t, value); break;
    default: TORCH_CHECK(false, "unknown creation kind ", kind);
  }
  return mlg::wrap(r);
  MLG_CATCH(nullptr)
}

MLG_API TensorHandle mlg_tensor_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, int dtype,
                                        int device_type, int device_index) {
  MLG_HANDLE(torch::randint(low, high, dims(shape, ndim), mlg::generator(), options(dtype, device_type, device_index)))
}
MLG_API TensorHandle mlg_tensor_arange(double start, double end, double step, int dtype, int device_type,
                                       int device_index) {
  MLG_HANDLE(torch::arange(start, end, step, options(dtype, device_type, device_index)))
}
MLG_API TensorHandle mlg_tensor_linspace(double start, double end, int64_t steps, int dtype, int device_type,
                                         int device_index) {
  MLG_HANDLE(torch::linspace(start, end, steps, options(dtype, device_type, device_index)))
}
MLG_API TensorHandle mlg_tensor_eye(int64_t n, int64_t m, int dtype, int device_type, int device_index) {
  MLG_HANDLE(torch::eye(n, m, options(dtype, device_type, device_index)))
}
MLG_API TensorHandle mlg_tensor_randperm(int64_t n, int dtype, int device_type, int device_index) {
  MLG_HANDLE(torch::randperm(n, mlg::generator(), options(dtype, device_type, device_index)))
}
MLG_API TensorHandle mlg_tensor_scalar(double value, int dtype, int device_type, int device_index) {
  MLG_HANDLE(torch::scalar_tensor(value, options(dtype, device_type, device_index)))
}

// ---- properties -------------------------------------------------------------------------------

MLG_API int mlg_tensor_ndim(TensorHandle t) { return static_cast<int>(t->dim()); }
MLG_API int64_t mlg_tensor_numel(TensorHandle t) { return t->numel(); }
MLG_API int mlg_tensor_dtype(TensorHandle t) { return static_cast<int>(t->scalar_type()); }
MLG_API int mlg_tensor_device_type(TensorHandle t) { return t->device().is_cuda() ? 1 : 0; }
MLG_API int mlg_tensor_device_index(TensorHandle t) { return t->device().has_index() ? t->device().index() : -1; }
MLG_API int mlg_tensor_requires_grad(TensorHandle t) { return t->requires_grad() ? 1 : 0; }
MLG_API int mlg_tensor_is_leaf(TensorHandle t) { return t->is_leaf() ? 1 : 0; }
MLG_API int mlg_tensor_defined(TensorHandle t) { return t->defined() ? 1 : 0; }
// Whether two tensors' data live in the same storage (a view and its base, two views of one base).
MLG_API int mlg_tensor_shares_storage(TensorHandle a, TensorHandle b) {
  return a->has_storage() && b->has_storage() && a->storage().is_alias_of(b->storage()) ? 1 : 0;
}
MLG_API int mlg_tensor_is_contiguous(TensorHandle t, int memory_format) {
  return t->is_contiguous(memory_format == 1 ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous) ? 1 : 0;
}
MLG_API void mlg_tensor_shape(TensorHandle t, int64_t* out) {
  auto s = t->sizes();
  std::copy(s.begin(), s.end(), out);
}
MLG_API void mlg_tensor_strides(TensorHandle t, int64_t* out) {
  auto s = t->strides();
  std::copy(s.begin(), s.end(), out);
}
MLG_API int mlg_tensor_set_requires_grad(TensorHandle t, int value) { MLG_STATUS(t->set_requires_grad(value != 0)) }

// Writes a one-line description (like repr's header) into buffer.
MLG_API int mlg_tensor_to_string(TensorHandle t, char* buffer, int length) {
  MLG_TRY
  std::ostringstream os;
  os << *t;
  std::string s = os.str();
  if (buffer && length > 0) {
    size_t n = std::min(s.size(), static_cast<size_t>(length - 1));
    std::memcpy(buffer, s.data(), n);
    buffer[n] = '\0';
  }
  return static_cast<int>(s.size());
  MLG_CATCH(-1)
}

// ---- data out ---------------------------------------------------------------------------------

// Copies the tensor's elements (converted to dtype, contiguous, on the CPU) into a caller buffer.
MLG_API int mlg_tensor_copy_out(TensorHandle t, void* buffer, int64_t bytes, int dtype) {
  MLG_TRY
  torch::NoGradGuard no_grad;
  auto c = t->detach().to(torch::kCPU, static_cast<c10::ScalarType>(dtype)).contiguous();
  TORCH_CHECK(static_cast<int64_t>(c.nbytes()) == bytes, "buffer has ", bytes, " bytes but the tensor needs ",
              c.nbytes());
  if (bytes > 0) std::memcpy(buffer, c.data_ptr(), static_cast<size_t>(bytes));
  return 0;
  MLG_CATCH(-1)
}

// Copies host data into an existing tensor (same numel), without changing its identity or autograd state.
MLG_API int mlg_tensor_copy_in(TensorHandle t, const void* data, int64_t bytes, int dtype) {
  MLG_TRY
  torch::NoGradGuard no_grad;
  auto src = torch::from_blob(const_cast<void*>(data), {t->numel()}, torch::TensorOptions().dtype(
                                                                      static_cast<c10::ScalarType>(dtype)));
  TORCH_CHECK(static_cast<int64_t>(src.nbytes()) == bytes, "data has ", bytes, " bytes but the tensor has ",
              t->numel(), " elements");
  t->copy_(src.view(t->sizes()));
  return 0;
  MLG_CATCH(-1)
}

MLG_API int mlg_tensor_item(TensorHandle t, double* out) {
  MLG_TRY
  *out = t->item().toDouble();
  return 0;
  MLG_CATCH(-1)
}

// ---- conversion -------------------------------------------------------------------------------

MLG_API TensorHandle mlg_tensor_to(TensorHandle t, int dtype, int device_type, int device_index, int copy) {
  MLG_HANDLE(t->to(mlg::device_of(device_type, device_index), static_cast<c10::ScalarType>(dtype), false, copy != 0))
}
MLG_API TensorHandle mlg_tensor_clone(TensorHandle t) { MLG_HANDLE(t->clone()) }
MLG_API TensorHandle mlg_tensor_detach(TensorHandle t) { MLG_HANDLE(t->detach()) }
MLG_API TensorHandle mlg_tensor_alias(TensorHandle t) { MLG_HANDLE(torch::Tensor(*t)) }
// memory_format: 0 contiguous, 1 channels-last
MLG_API TensorHandle mlg_tensor_contiguous(TensorHandle t, int memory_format) {
  MLG_HANDLE(t->contiguous(memory_format == 1 ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous))
}
// Replaces the data a tensor (e.g. a parameter) refers to, keeping the tensor object (module.to(device)).
MLG_API int mlg_tensor_set_data(TensorHandle t, TensorHandle data) { MLG_STATUS(t->set_data(*data)) }
MLG_API int mlg_tensor_copy_(TensorHandle dst, TensorHandle src) {
  MLG_TRY
  torch::NoGradGuard no_grad;
  dst->copy_(*src);
  return 0;
  MLG_CATCH(-1)
}
