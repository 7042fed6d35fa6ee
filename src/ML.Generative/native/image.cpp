// Image decoding and encoding with stb (libstb-dev). Debian's libstb.so already holds the
// implementations, so the headers are included for declarations only (no STB_*_IMPLEMENTATION here).
//
// Decoding is two calls: mlg_image_info reads the header (size, channels, bit depth) so the managed side
// can bound the size and allocate the output; mlg_image_decode decodes into that buffer. Encoding returns
// an opaque byte buffer (a std::vector) read with mlg_buffer_size/mlg_buffer_copy and freed with mlg_buffer_free.
#include "common.h"
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>
#include <climits>
#include <cstring>

namespace {
std::runtime_error stb_error(const char* what) {
  const char* reason = stbi_failure_reason();
  return std::runtime_error(std::string(what) + ": " + (reason ? reason : "unknown reason"));
}

int checked_len(int64_t len) {
  if (len <= 0 || len > INT_MAX) throw std::runtime_error("image data must be 1 byte to 2 GiB");
  return static_cast<int>(len);
}

void append(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  auto* p = static_cast<uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}
}  // namespace

// Header only: width, height, channels in the file (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA), 16-bit or not.
MLG_API int mlg_image_info(const uint8_t* data, int64_t len, int* width, int* height, int* channels, int* is16) {
  MLG_TRY
  int n = checked_len(len);
  if (!stbi_info_from_memory(data, n, width, height, channels)) throw stb_error("not a decodable image");
  *is16 = stbi_is_16_bit_from_memory(data, n);
  return 0;
  MLG_CATCH(-1)
}

// Decodes into out (out_bytes = width*height*channels*(want16 ? 2 : 1)); channels 0 keeps the file's.
MLG_API int mlg_image_decode(const uint8_t* data, int64_t len, int channels, int want16, void* out, int64_t out_bytes) {
  MLG_TRY
  int n = checked_len(len);
  int w = 0, h = 0, c = 0;
  void* pixels = want16 ? static_cast<void*>(stbi_load_16_from_memory(data, n, &w, &h, &c, channels))
                        : static_cast<void*>(stbi_load_from_memory(data, n, &w, &h, &c, channels));
  if (!pixels) throw stb_error("decoding failed");
  int64_t bytes = static_cast<int64_t>(w) * h * (channels ? channels : c) * (want16 ? 2 : 1);
  if (bytes != out_bytes) {
    stbi_image_free(pixels);
    throw std::runtime_error("decoded size " + std::to_string(bytes) + " bytes differs from the " +
                             std::to_string(out_bytes) + " the header announced");
  }
  std::memcpy(out, pixels, static_cast<size_t>(bytes));
  stbi_image_free(pixels);
  return 0;
  MLG_CATCH(-1)
}

// Encodes 8-bit interleaved pixels: format 0 = PNG, 1 = JPEG (quality 1-100), 2 = BMP.
MLG_API void* mlg_image_encode(const uint8_t* pixels, int width, int height, int channels, int format, int quality) {
  MLG_TRY
  if (width <= 0 || height <= 0 || channels < 1 || channels > 4) throw std::runtime_error("bad image size or channel count");
  auto out = std::make_unique<std::vector<uint8_t>>();
  int ok = 0;
  switch (format) {
    case 0: ok = stbi_write_png_to_func(append, out.get(), width, height, channels, pixels, width * channels); break;
    case 1: ok = stbi_write_jpg_to_func(append, out.get(), width, height, channels, pixels, quality); break;
    case 2: ok = stbi_write_bmp_to_func(append, out.get(), width, height, channels, pixels); break;
    default: throw std::runtime_error("unknown image format " + std::to_string(format));
  }
  if (!ok) throw std::runtime_error("stb_image_write failed to encode the image");
  return out.release();
  MLG_CATCH(nullptr)
}

MLG_API int64_t mlg_buffer_size(void* buffer) { return static_cast<int64_t>(static_cast<std::vector<uint8_t>*>(buffer)->size()); }

MLG_API void mlg_buffer_copy(void* buffer, uint8_t* dst) {
  auto* v = static_cast<std::vector<uint8_t>*>(buffer);
  std::memcpy(dst, v->data(), v->size());
}

MLG_API void mlg_buffer_free(void* buffer) { delete static_cast<std::vector<uint8_t>*>(buffer); }
