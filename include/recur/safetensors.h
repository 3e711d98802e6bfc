// Safetensors: the file format of checkpoints and reference cases.
//
// Layout (https://github.com/huggingface/safetensors):
//   8 bytes    N, the header length, unsigned little-endian
//   N bytes    JSON header: {"<name>": {"dtype": "F32", "shape": [2, 3],
//                                       "data_offsets": [begin, end]}, ...,
//                            "__metadata__": {"<key>": "<string value>", ...}}
//   the rest   the byte buffer; a tensor's bytes are buffer[begin, end),
//              row-major, little-endian
//
// Loading trusts nothing: every length, offset, shape and dtype is checked, and
// a bad file raises FormatError naming the file and what is wrong — never a
// crash, never an out-of-bounds read; JSON nested deeper than kMaxJsonDepth
// is refused. Writing goes to "<path>.tmp", which is fsync'd and renamed over
// <path>, and then the folder is fsync'd: a crash, a power cut or a full disk
// leaves either the old file or the new one, whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "recur/format_error.h"
#include "recur/tensor.h"

namespace recur {

// The element types of the safetensors specification.
enum class Dtype { Bool, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 };

// "F32", "I64", ... and back; parse_dtype throws FormatError on an unknown name.
std::string dtype_name(Dtype dtype);
Dtype parse_dtype(const std::string& name);
size_t dtype_size(Dtype dtype);

// One tensor as stored: its type, shape and raw little-endian bytes.
struct TensorEntry {
  Dtype dtype = Dtype::F32;
  Shape shape;
  std::vector<std::byte> bytes;

  int64_t numel() const { return shape_numel(shape); }

  static TensorEntry from(const Tensor<float>& tensor);
  static TensorEntry from(const Tensor<double>& tensor);
  static TensorEntry from_integers(std::span<const int64_t> values, Shape shape);
};

using TensorMap = std::map<std::string, TensorEntry>;
using MetadataMap = std::map<std::string, std::string>;

struct SafetensorsFile {
  std::string path;  // where it was read from; names the file in error messages
  TensorMap tensors;
  MetadataMap metadata;

  bool contains(const std::string& name) const { return tensors.count(name) != 0; }
  // The entry, or FormatError "<path>: no tensor '<name>'".
  const TensorEntry& entry(const std::string& name) const;
  // The tensor as float or double. F32 and F64 convert to either; any other
  // dtype is a FormatError naming the file, the tensor and its dtype.
  template <typename T>
  Tensor<T> tensor(const std::string& name) const;
  // The tensor as 64-bit integers (from any integer dtype), flattened.
  std::vector<int64_t> integers(const std::string& name) const;
  // The metadata value, or FormatError "<path>: no metadata key '<key>'".
  const std::string& metadata_value(const std::string& key) const;
};

// Reads and validates a whole file. Throws FormatError.
SafetensorsFile read_safetensors(const std::string& path);
// Parses the bytes of a file; `source` names it in error messages.
SafetensorsFile parse_safetensors(std::span<const std::byte> bytes, const std::string& source);

// Tensors are laid out in name order and the header is padded with spaces to
// a multiple of 8 bytes, as the reference implementation does. Throws
// std::invalid_argument for an entry whose byte count does not match its shape,
// and std::runtime_error (naming the path) when the file cannot be written.
void write_safetensors(const std::string& path, const TensorMap& tensors, const MetadataMap& metadata = {});
// The bytes write_safetensors would write.
std::vector<std::byte> serialize_safetensors(const TensorMap& tensors, const MetadataMap& metadata = {});

}  // namespace recur
