// Batch materialization: the data loader writes rows straight into a tensor's memory, so a batch is
// built with one copy per row and no intermediate managed array.
#include "common.h"

// The float32 data of a CPU, contiguous tensor, for the managed side to fill; nullptr (with an error) otherwise.
MLG_API float* mlg_batch_float_data(TensorHandle t) {
  MLG_TRY
  if (!t->device().is_cpu() || t->scalar_type() != torch::kFloat || !t->is_contiguous())
    throw std::runtime_error("a batch tensor must be a contiguous float32 CPU tensor");
  return t->data_ptr<float>();
  MLG_CATCH(nullptr)
}
