#include "recur/safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "recur/bounded_json.h"

namespace recur {

// Tensor bytes are copied to and from memory as they are; the format is little-endian.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

namespace {

using nlohmann::json;

constexpr size_t kHeaderLengthBytes = 8;
// The reference implementation refuses larger headers; so do we, so that a
// corrupt length cannot make us allocate gigabytes before noticing.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr const char* kMetadataKey = "__metadata__";

struct DtypeInfo {
  Dtype dtype;
  const char* name;
  size_t size;
};
constexpr DtypeInfo kDtypes[] = {
    {Dtype::Bool, "BOOL", 1}, {Dtype::U8, "U8", 1},     {Dtype::I8, "I8", 1},           {Dtype::F8_E5M2, "F8_E5M2", 1},
    {Dtype::F8_E4M3, "F8_E4M3", 1}, {Dtype::I16, "I16", 2}, {Dtype::U16, "U16", 2},     {Dtype::F16, "F16", 2},
    {Dtype::BF16, "BF16", 2}, {Dtype::I32, "I32", 4},   {Dtype::U32, "U32", 4},         {Dtype::F32, "F32", 4},
    {Dtype::F64, "F64", 8},   {Dtype::I64, "I64", 8},   {Dtype::U64, "U64", 8},
};

const DtypeInfo& dtype_info(Dtype dtype) {
  for (const DtypeInfo& info : kDtypes)
    if (info.dtype == dtype) return info;
  throw std::invalid_argument("unknown Dtype value " + std::to_string(static_cast<int>(dtype)));
}

FormatError file_error(const std::string& source, const std::string& what) {
  return FormatError(source + ": " + what);
}
FormatError tensor_error(const std::string& source, const std::string& name, const std::string& what) {
  return FormatError(source + ": tensor '" + name + "': " + what);
}

// Element count and byte count of a shape, refusing overflow instead of wrapping.
bool checked_byte_count(const Shape& shape, size_t element_size, uint64_t& bytes) {
  uint64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0) return false;
    const auto dim = static_cast<uint64_t>(d);
    if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / dim) return false;
    count *= dim;
  }
  if (count > std::numeric_limits<uint64_t>::max() / element_size) return false;
  bytes = count * element_size;
  return true;
}

// A non-negative JSON integer that fits int64; nullopt-like false otherwise.
bool read_nonnegative(const json& value, int64_t& out) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    out = static_cast<int64_t>(u);
    return true;
  }
  if (value.is_number_integer()) {
    out = value.get<int64_t>();
    return out >= 0;
  }
  return false;
}

// nlohmann::json keeps the last of duplicate keys silently; a header with two
// tensors of the same name is ambiguous, so we look at every key as it is parsed.
json parse_header_rejecting_duplicates(const std::string& text, const std::string& source) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto watch_keys = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      if (!open_objects.empty()) open_objects.pop_back();
    } else if (event == json::parse_event_t::key && !open_objects.empty()) {
      const std::string key = parsed.get<std::string>();
      if (!open_objects.back().insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  json header;
  try {
    header = parse_bounded_json(text, watch_keys);
  } catch (const json::exception& e) {
    throw file_error(source, std::string("header is not valid JSON (") + e.what() + ")");
  } catch (const JsonTooDeep& e) {
    throw file_error(source, std::string("header: ") + e.what());
  }
  if (!duplicate.empty()) throw file_error(source, "header names '" + duplicate + "' twice");
  return header;
}

MetadataMap parse_metadata(const json& object, const std::string& source) {
  if (!object.is_object()) throw file_error(source, std::string(kMetadataKey) + " must be a JSON object of strings");
  MetadataMap metadata;
  for (const auto& [key, value] : object.items()) {
    if (!value.is_string())
      throw file_error(source, std::string(kMetadataKey) + " value of '" + key + "' must be a string, got " +
                                   value.dump());
    metadata[key] = value.get<std::string>();
  }
  return metadata;
}

struct HeaderEntry {
  Dtype dtype;
  Shape shape;
  int64_t begin;
  int64_t end;
};

HeaderEntry parse_entry(const std::string& name, const json& object, const std::string& source) {
  if (!object.is_object()) throw tensor_error(source, name, "header entry must be a JSON object");
  for (const auto& [key, value] : object.items())
    if (key != "dtype" && key != "shape" && key != "data_offsets")
      throw tensor_error(source, name, "unexpected header field '" + key + "'");
  if (!object.contains("dtype") || !object["dtype"].is_string())
    throw tensor_error(source, name, "header entry needs a string 'dtype'");
  if (!object.contains("shape") || !object["shape"].is_array())
    throw tensor_error(source, name, "header entry needs an array 'shape'");
  if (!object.contains("data_offsets") || !object["data_offsets"].is_array())
    throw tensor_error(source, name, "header entry needs an array 'data_offsets'");

  HeaderEntry entry{};
  try {
    entry.dtype = parse_dtype(object["dtype"].get<std::string>());
  } catch (const FormatError& e) {
    throw tensor_error(source, name, e.what());
  }
  for (const json& dim : object["shape"]) {
    int64_t d = 0;
    if (!read_nonnegative(dim, d)) throw tensor_error(source, name, "shape " + object["shape"].dump() +
                                                                        " must hold non-negative integers");
    entry.shape.push_back(d);
  }
  const json& offsets = object["data_offsets"];
  if (offsets.size() != 2 || !read_nonnegative(offsets[0], entry.begin) || !read_nonnegative(offsets[1], entry.end))
    throw tensor_error(source, name, "data_offsets " + offsets.dump() + " must be two non-negative integers");
  if (entry.begin > entry.end)
    throw tensor_error(source, name, "data_offsets " + offsets.dump() + " end before they begin");

  uint64_t expected_bytes = 0;
  if (!checked_byte_count(entry.shape, dtype_size(entry.dtype), expected_bytes))
    throw tensor_error(source, name, "shape " + object["shape"].dump() + " is too large");
  const auto span_bytes = static_cast<uint64_t>(entry.end - entry.begin);
  if (span_bytes != expected_bytes)
    throw tensor_error(source, name,
                       "shape " + shape_string(entry.shape) + " of " + dtype_name(entry.dtype) + " needs " +
                           std::to_string(expected_bytes) + " bytes but data_offsets " + offsets.dump() + " span " +
                           std::to_string(span_bytes));
  return entry;
}

// The tensors must tile the buffer exactly: no byte outside it, no byte shared,
// no byte unaccounted for (as the reference implementation requires).
void check_buffer_coverage(const std::map<std::string, HeaderEntry>& entries, uint64_t buffer_bytes,
                           const std::string& source) {
  std::vector<std::tuple<int64_t, int64_t, std::string>> spans;
  for (const auto& [name, entry] : entries) {
    if (static_cast<uint64_t>(entry.end) > buffer_bytes)
      throw tensor_error(source, name,
                         "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                             "] exceed the " + std::to_string(buffer_bytes) +
                             "-byte data buffer (is the file truncated?)");
    spans.emplace_back(entry.begin, entry.end, name);
  }
  std::sort(spans.begin(), spans.end());
  int64_t covered = 0;
  std::string previous;
  for (const auto& [begin, end, name] : spans) {
    if (begin < covered)
      throw tensor_error(source, name, "data_offsets begin at " + std::to_string(begin) + ", inside tensor '" +
                                           previous + "' (which ends at " + std::to_string(covered) + ")");
    if (begin > covered)
      throw file_error(source, "bytes [" + std::to_string(covered) + ", " + std::to_string(begin) +
                                   ") of the data buffer belong to no tensor");
    covered = end;
    previous = name;
  }
  if (static_cast<uint64_t>(covered) != buffer_bytes)
    throw file_error(source, "the data buffer has " + std::to_string(buffer_bytes) + " bytes but the tensors cover " +
                                 std::to_string(covered) + " (trailing bytes or wrong offsets)");
}

std::vector<std::byte> read_whole_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw file_error(path, "is a directory, not a safetensors file");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) throw file_error(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<std::byte> bytes;
  std::byte chunk[1 << 16];
  size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0) bytes.insert(bytes.end(), chunk, chunk + got);
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw file_error(path, "read error");
  return bytes;
}

template <typename Stored, typename T>
void convert_into(const TensorEntry& entry, Tensor<T>& out) {
  const size_t n = static_cast<size_t>(out.numel());
  for (size_t i = 0; i < n; ++i) {
    Stored value;
    std::memcpy(&value, entry.bytes.data() + i * sizeof(Stored), sizeof(Stored));
    out.values()[i] = static_cast<T>(value);
  }
}

template <typename Stored>
void integers_into(const TensorEntry& entry, std::vector<int64_t>& out, const std::string& source,
                   const std::string& name) {
  const size_t n = entry.bytes.size() / sizeof(Stored);
  out.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Stored value;
    std::memcpy(&value, entry.bytes.data() + i * sizeof(Stored), sizeof(Stored));
    if constexpr (std::is_same_v<Stored, uint64_t>) {
      if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw tensor_error(source, name, "U64 value " + std::to_string(value) + " does not fit in int64");
    }
    out[i] = static_cast<int64_t>(value);
  }
}

template <typename T>
TensorEntry entry_from_tensor(const Tensor<T>& tensor, Dtype dtype) {
  TensorEntry entry;
  entry.dtype = dtype;
  entry.shape = tensor.shape();
  entry.bytes.resize(sizeof(T) * static_cast<size_t>(tensor.numel()));
  if (!entry.bytes.empty()) std::memcpy(entry.bytes.data(), tensor.data(), entry.bytes.size());
  return entry;
}

void append(std::vector<std::byte>& out, const void* data, size_t size) {
  const auto* p = static_cast<const std::byte*>(data);
  out.insert(out.end(), p, p + size);
}

}  // namespace

std::string dtype_name(Dtype dtype) { return dtype_info(dtype).name; }

Dtype parse_dtype(const std::string& name) {
  for (const DtypeInfo& info : kDtypes)
    if (name == info.name) return info.dtype;
  throw FormatError("unknown dtype '" + name + "' (expected one of BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, "
                    "BF16, F32, F64, F8_E5M2, F8_E4M3)");
}

size_t dtype_size(Dtype dtype) { return dtype_info(dtype).size; }

TensorEntry TensorEntry::from(const Tensor<float>& tensor) { return entry_from_tensor(tensor, Dtype::F32); }
TensorEntry TensorEntry::from(const Tensor<double>& tensor) { return entry_from_tensor(tensor, Dtype::F64); }

TensorEntry TensorEntry::from_integers(std::span<const int64_t> values, Shape shape) {
  if (shape_numel(shape) != static_cast<int64_t>(values.size()))
    throw std::invalid_argument("from_integers: " + std::to_string(values.size()) + " values do not fill shape " +
                                shape_string(shape));
  TensorEntry entry;
  entry.dtype = Dtype::I64;
  entry.shape = std::move(shape);
  entry.bytes.resize(values.size_bytes());
  if (!values.empty()) std::memcpy(entry.bytes.data(), values.data(), values.size_bytes());
  return entry;
}

const TensorEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw file_error(path, "no tensor '" + name + "'");
  return it->second;
}

template <typename T>
Tensor<T> SafetensorsFile::tensor(const std::string& name) const {
  const TensorEntry& stored = entry(name);
  Tensor<T> out(stored.shape);
  if (stored.dtype == Dtype::F32)
    convert_into<float>(stored, out);
  else if (stored.dtype == Dtype::F64)
    convert_into<double>(stored, out);
  else
    throw tensor_error(path, name, "has dtype " + dtype_name(stored.dtype) + "; expected F32 or F64");
  return out;
}
template Tensor<float> SafetensorsFile::tensor<float>(const std::string&) const;
template Tensor<double> SafetensorsFile::tensor<double>(const std::string&) const;

std::vector<int64_t> SafetensorsFile::integers(const std::string& name) const {
  const TensorEntry& stored = entry(name);
  std::vector<int64_t> out;
  switch (stored.dtype) {
    case Dtype::I8: integers_into<int8_t>(stored, out, path, name); break;
    case Dtype::U8: integers_into<uint8_t>(stored, out, path, name); break;
    case Dtype::I16: integers_into<int16_t>(stored, out, path, name); break;
    case Dtype::U16: integers_into<uint16_t>(stored, out, path, name); break;
    case Dtype::I32: integers_into<int32_t>(stored, out, path, name); break;
    case Dtype::U32: integers_into<uint32_t>(stored, out, path, name); break;
    case Dtype::I64: integers_into<int64_t>(stored, out, path, name); break;
    case Dtype::U64: integers_into<uint64_t>(stored, out, path, name); break;
    default: throw tensor_error(path, name, "has dtype " + dtype_name(stored.dtype) + "; expected an integer dtype");
  }
  return out;
}

const std::string& SafetensorsFile::metadata_value(const std::string& key) const {
  auto it = metadata.find(key);
  if (it == metadata.end()) throw file_error(path, "no metadata key '" + key + "'");
  return it->second;
}

SafetensorsFile parse_safetensors(std::span<const std::byte> bytes, const std::string& source) {
  if (bytes.empty())
    throw file_error(source, "is empty; a safetensors file starts with an 8-byte header length");
  if (bytes.size() < kHeaderLengthBytes)
    throw file_error(source, "is " + std::to_string(bytes.size()) +
                                 " bytes long, too short for the 8-byte header length");
  uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, bytes.data(), kHeaderLengthBytes);
  const uint64_t after_length = bytes.size() - kHeaderLengthBytes;
  if (header_bytes > kMaxHeaderBytes)
    throw file_error(source, "header length " + std::to_string(header_bytes) + " exceeds the " +
                                 std::to_string(kMaxHeaderBytes) + "-byte limit (not a safetensors file?)");
  if (header_bytes > after_length)
    throw file_error(source, "header length " + std::to_string(header_bytes) + " is larger than the " +
                                 std::to_string(after_length) + " bytes that follow it (truncated file?)");

  const std::string header_text(reinterpret_cast<const char*>(bytes.data() + kHeaderLengthBytes), header_bytes);
  if (header_text.empty() || header_text.front() != '{')
    throw file_error(source, "header must be a JSON object starting with '{'");
  const json header = parse_header_rejecting_duplicates(header_text, source);
  if (!header.is_object()) throw file_error(source, "header must be a JSON object");

  SafetensorsFile file;
  file.path = source;
  std::map<std::string, HeaderEntry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey)
      file.metadata = parse_metadata(value, source);
    else
      entries.emplace(name, parse_entry(name, value, source));
  }

  const uint64_t buffer_bytes = after_length - header_bytes;
  check_buffer_coverage(entries, buffer_bytes, source);

  const std::byte* buffer = bytes.data() + kHeaderLengthBytes + header_bytes;
  for (auto& [name, entry] : entries) {
    TensorEntry& stored = file.tensors[name];
    stored.dtype = entry.dtype;
    stored.shape = std::move(entry.shape);
    stored.bytes.assign(buffer + entry.begin, buffer + entry.end);
  }
  return file;
}

SafetensorsFile read_safetensors(const std::string& path) {
  const std::vector<std::byte> bytes = read_whole_file(path);
  return parse_safetensors(bytes, path);
}

std::vector<std::byte> serialize_safetensors(const TensorMap& tensors, const MetadataMap& metadata) {
  // Built by hand rather than as a json object so that __metadata__ comes first
  // and the tensors follow in the order of their data (name order).
  std::string header = "{";
  try {
    if (!metadata.empty()) header += json(kMetadataKey).dump() + ":" + json(metadata).dump(-1, ' ', false);
    int64_t offset = 0;
    for (const auto& [name, entry] : tensors) {
      if (name == kMetadataKey) throw std::invalid_argument("a tensor cannot be named " + name);
      uint64_t expected = 0;
      if (!checked_byte_count(entry.shape, dtype_size(entry.dtype), expected) || expected != entry.bytes.size())
        throw std::invalid_argument("tensor '" + name + "' has " + std::to_string(entry.bytes.size()) +
                                    " bytes, but shape " + shape_string(entry.shape) + " of " +
                                    dtype_name(entry.dtype) + " needs " + std::to_string(expected));
      const int64_t end = offset + static_cast<int64_t>(entry.bytes.size());
      json description = {{"dtype", dtype_name(entry.dtype)}, {"shape", entry.shape}, {"data_offsets", {offset, end}}};
      if (header.size() > 1) header += ",";
      header += json(name).dump() + ":" + description.dump();
      offset = end;
    }
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("cannot encode safetensors header (names and metadata must be UTF-8): ") +
                                e.what());
  }
  header += "}";
  // Pad so that the data buffer starts 8-byte aligned, as the reference does.
  header.append((kHeaderLengthBytes - header.size() % kHeaderLengthBytes) % kHeaderLengthBytes, ' ');

  std::vector<std::byte> out;
  const uint64_t header_bytes = header.size();
  append(out, &header_bytes, sizeof header_bytes);
  append(out, header.data(), header.size());
  for (const auto& [name, entry] : tensors) append(out, entry.bytes.data(), entry.bytes.size());
  return out;
}

// After the rename the new name lives in the folder's entry, which is only on
// disk once the folder itself is fsync'd.
static void sync_parent_folder(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) folder = ".";
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write " + path + ": fsync of its folder " + folder.string() + ": " + reason);
  }
  ::close(fd);
}

void write_safetensors(const std::string& path, const TensorMap& tensors, const MetadataMap& metadata) {
  const std::vector<std::byte> bytes = serialize_safetensors(tensors, metadata);
  // The temporary file sits beside the target (a rename is atomic only within
  // one file system); until the rename the previous file is untouched, so a
  // full disk, a read-only folder or a kill leaves it whole.
  const std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": cannot create " + temporary + ": " +
                                       std::strerror(errno));
  auto fail = [&](const std::string& what, int error) {
    if (fd >= 0) ::close(fd);
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot write " + path + ": " + what + ": " + std::strerror(error) +
                             " (the previous " + std::filesystem::path(path).filename().string() +
                             ", if any, is unchanged)");
  };
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write to " + temporary, n < 0 ? errno : ENOSPC);
    written += static_cast<size_t>(n);
  }
  // fsync before rename: otherwise a power cut can leave the new name pointing
  // at a file whose data never reached the disk.
  if (::fsync(fd) != 0) fail("fsync " + temporary, errno);
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) fail("close " + temporary, errno);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail("rename " + temporary, errno);
  sync_parent_folder(path);
}

}  // namespace recur
