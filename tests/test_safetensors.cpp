// Safetensors reading and writing: a round trip keeps every byte, and every
// kind of malformed file is a FormatError that names the file and the problem.
#include "recur/safetensors.h"
#include "test_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace recur {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class SafetensorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = testing::fresh_directory_for_test("recur_safetensors_");
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  // Writes raw bytes: 8-byte length, the header text as given, then the buffer.
  std::string write_raw(const std::string& name, const std::string& header, size_t buffer_bytes,
                        std::optional<uint64_t> declared_length = std::nullopt) const {
    const std::string p = path(name);
    std::ofstream out(p, std::ios::binary);
    const uint64_t length = declared_length.value_or(header.size());
    out.write(reinterpret_cast<const char*>(&length), sizeof length);
    out << header;
    out << std::string(buffer_bytes, '\0');
    return p;
  }

  // Expects read_safetensors to throw a FormatError whose message names the file and contains `fragment`.
  static void expect_format_error(const std::string& file, const std::string& fragment) {
    try {
      read_safetensors(file);
      ADD_FAILURE() << "no error reading " << file << " (expected one mentioning '" << fragment << "')";
    } catch (const FormatError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(file), std::string::npos) << "message does not name the file: " << message;
      EXPECT_NE(message.find(fragment), std::string::npos) << "expected '" << fragment << "' in: " << message;
    }
  }

  fs::path directory_;
};

Tensor<float> counting_floats(const Shape& shape) {
  Tensor<float> t(shape);
  for (int64_t i = 0; i < t.numel(); ++i) t[i] = 0.5f * static_cast<float>(i) - 1.0f;
  return t;
}

TEST_F(SafetensorsTest, RoundTripKeepsTensorsAndMetadata) {
  Tensor<double> weights({2, 3});
  for (int64_t i = 0; i < weights.numel(); ++i) weights[i] = 1.0 / (1.0 + static_cast<double>(i));
  const std::vector<int64_t> lengths = {5, 1, 3};
  TensorMap tensors;
  tensors["b.floats"] = TensorEntry::from(counting_floats({4, 1, 3}));
  tensors["a.doubles"] = TensorEntry::from(weights);
  tensors["lengths"] = TensorEntry::from_integers(lengths, {3});
  tensors["scalar"] = TensorEntry::from(Tensor<float>(Shape{}, 7.0f));
  tensors["empty"] = TensorEntry::from(Tensor<float>(Shape{0, 3}));
  const MetadataMap metadata = {{"config", R"({"hidden_size": 6})"}, {"note", "ünïcode"}};
  const std::string file = path("round_trip.safetensors");
  write_safetensors(file, tensors, metadata);

  EXPECT_FALSE(fs::exists(file + ".tmp")) << "the temporary file must be renamed away";
  const SafetensorsFile loaded = read_safetensors(file);
  EXPECT_EQ(loaded.metadata, metadata);
  ASSERT_EQ(loaded.tensors.size(), tensors.size());
  for (const auto& [name, entry] : tensors) {
    const TensorEntry& back = loaded.entry(name);
    EXPECT_EQ(back.dtype, entry.dtype) << name;
    EXPECT_EQ(back.shape, entry.shape) << name;
    EXPECT_EQ(back.bytes, entry.bytes) << name;
  }
  EXPECT_EQ(loaded.tensor<double>("a.doubles").values(), weights.values());
  EXPECT_EQ(loaded.tensor<float>("b.floats").values(), counting_floats({4, 1, 3}).values());
  EXPECT_EQ(loaded.integers("lengths"), lengths);
  EXPECT_EQ(loaded.tensor<float>("scalar")[0], 7.0f);
  EXPECT_EQ(loaded.tensor<float>("empty").shape(), (Shape{0, 3}));
}

TEST_F(SafetensorsTest, LayoutFollowsTheReferenceImplementation) {
  TensorMap tensors;
  tensors["z"] = TensorEntry::from(counting_floats({3}));
  tensors["a"] = TensorEntry::from(counting_floats({2}));
  const std::vector<std::byte> bytes = serialize_safetensors(tensors, {{"k", "v"}});
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  EXPECT_EQ(header_length % 8, 0u) << "header is padded to a multiple of 8";
  EXPECT_EQ(bytes.size(), 8 + header_length + 5 * sizeof(float));
  const std::string header(reinterpret_cast<const char*>(bytes.data() + 8), header_length);
  // Name order: "a" occupies the first 8 bytes of the buffer, "z" the next 12.
  EXPECT_NE(header.find(R"("a":{"data_offsets":[0,8])"), std::string::npos) << header;
  EXPECT_NE(header.find(R"("z":{"data_offsets":[8,20])"), std::string::npos) << header;
}

TEST_F(SafetensorsTest, WritingReplacesAnExistingFile) {
  const std::string file = path("replace.safetensors");
  write_safetensors(file, {{"x", TensorEntry::from(counting_floats({100}))}});
  write_safetensors(file, {{"y", TensorEntry::from(counting_floats({2}))}});
  const SafetensorsFile loaded = read_safetensors(file);
  EXPECT_FALSE(loaded.contains("x"));
  EXPECT_TRUE(loaded.contains("y"));
}

TEST_F(SafetensorsTest, WritingIntoAMissingDirectoryFailsCleanly) {
  const std::string file = path("no/such/dir/out.safetensors");
  EXPECT_THROW(write_safetensors(file, {{"x", TensorEntry::from(counting_floats({2}))}}), std::runtime_error);
  EXPECT_FALSE(fs::exists(file));
}

TEST_F(SafetensorsTest, WriterRejectsEntryWhoseBytesDoNotMatchItsShape) {
  TensorEntry bad = TensorEntry::from(counting_floats({4}));
  bad.shape = {5};
  EXPECT_THROW(write_safetensors(path("bad.safetensors"), {{"x", bad}}), std::invalid_argument);
  EXPECT_FALSE(fs::exists(path("bad.safetensors")));
  EXPECT_FALSE(fs::exists(path("bad.safetensors.tmp")));
}

TEST_F(SafetensorsTest, TypedAccessorsConvertOrExplain) {
  const std::string file = path("types.safetensors");
  const std::vector<int64_t> ids = {1, 2};
  write_safetensors(file, {{"f", TensorEntry::from(counting_floats({2}))}, {"ids", TensorEntry::from_integers(ids, {2})}});
  const SafetensorsFile loaded = read_safetensors(file);
  EXPECT_EQ(loaded.tensor<double>("f")[1], -0.5);  // F32 widens to double
  try {
    loaded.tensor<float>("ids");
    ADD_FAILURE() << "I64 read as float";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("'ids'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("I64"), std::string::npos) << e.what();
  }
  EXPECT_THROW(loaded.integers("f"), FormatError);
  EXPECT_THROW(loaded.entry("absent"), FormatError);
  EXPECT_THROW(loaded.metadata_value("absent"), FormatError);
}

TEST_F(SafetensorsTest, MissingFile) { expect_format_error(path("absent.safetensors"), "cannot open"); }

TEST_F(SafetensorsTest, Directory) { expect_format_error(directory_.string(), "is a directory"); }

TEST_F(SafetensorsTest, EmptyFile) {
  const std::string file = path("empty.safetensors");
  std::ofstream{file};
  expect_format_error(file, "is empty");
}

TEST_F(SafetensorsTest, ShorterThanTheLengthField) {
  const std::string file = path("short.safetensors");
  std::ofstream(file, std::ios::binary) << "abc";
  expect_format_error(file, "too short");
}

TEST_F(SafetensorsTest, HeaderLengthBeyondTheFile) {
  expect_format_error(write_raw("long.safetensors", "{}", 0, 4096), "larger than");
}

TEST_F(SafetensorsTest, AbsurdHeaderLength) {
  expect_format_error(write_raw("absurd.safetensors", "{}", 0, uint64_t(1) << 62), "limit");
}

TEST_F(SafetensorsTest, TruncatedData) {
  const std::string file = path("truncated.safetensors");
  write_safetensors(file, {{"x", TensorEntry::from(counting_floats({16}))}});
  fs::resize_file(file, fs::file_size(file) - 10);
  expect_format_error(file, "exceed");
}

TEST_F(SafetensorsTest, TruncatedHeader) {
  const std::string file = path("truncated_header.safetensors");
  write_safetensors(file, {{"x", TensorEntry::from(counting_floats({16}))}});
  fs::resize_file(file, 20);
  expect_format_error(file, "larger than");
}

TEST_F(SafetensorsTest, InvalidJson) {
  expect_format_error(write_raw("json.safetensors", R"({"x": {"dtype": "F32", )", 0), "not valid JSON");
}

TEST_F(SafetensorsTest, HeaderNotAnObject) {
  expect_format_error(write_raw("array.safetensors", "[1, 2]", 0), "JSON object");
}

TEST_F(SafetensorsTest, UnknownDtype) {
  expect_format_error(write_raw("dtype.safetensors", R"({"x":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}})", 8),
                      "unknown dtype 'F31'");
}

TEST_F(SafetensorsTest, ShapeAndDtypeDisagreeWithOffsets) {
  // Two F64 need 16 bytes; the offsets give 8 (the size of two F32).
  expect_format_error(write_raw("size.safetensors", R"({"x":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}})", 8),
                      "needs 16 bytes");
}

TEST_F(SafetensorsTest, OffsetsOutOfRange) {
  expect_format_error(
      write_raw("range.safetensors", R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[100,108]}})", 8), "exceed");
}

TEST_F(SafetensorsTest, OverlappingTensors) {
  expect_format_error(write_raw("overlap.safetensors",
                                R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                12),
                      "inside tensor 'a'");
}

TEST_F(SafetensorsTest, GapBetweenTensors) {
  expect_format_error(write_raw("gap.safetensors",
                                R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                                12),
                      "belong to no tensor");
}

TEST_F(SafetensorsTest, TrailingBytes) {
  expect_format_error(write_raw("trailing.safetensors", R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 12),
                      "trailing bytes");
}

TEST_F(SafetensorsTest, DuplicateNames) {
  expect_format_error(write_raw("duplicate.safetensors",
                                R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                8),
                      "'a' twice");
}

TEST_F(SafetensorsTest, NegativeDimension) {
  expect_format_error(write_raw("negative.safetensors", R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
                      "non-negative");
}

TEST_F(SafetensorsTest, OverflowingShape) {
  expect_format_error(
      write_raw("overflow.safetensors",
                R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0),
      "too large");
}

TEST_F(SafetensorsTest, MissingField) {
  expect_format_error(write_raw("field.safetensors", R"({"a":{"dtype":"F32","shape":[1]}})", 4), "data_offsets");
}

TEST_F(SafetensorsTest, NonStringMetadata) {
  expect_format_error(write_raw("metadata.safetensors", R"({"__metadata__":{"epoch":3}})", 0), "must be a string");
}

// nlohmann::json dumps and copies recursively: deep nesting is refused while
// parsing, before an error message could dump it (found by fuzz/safetensors).
TEST_F(SafetensorsTest, DeeplyNestedHeader) {
  const std::string deep = R"({"a":{"dtype":"F32","shape":)" + std::string(100000, '[') + std::string(100000, ']') +
                           R"(,"data_offsets":[0,0]}})";
  expect_format_error(write_raw("deep.safetensors", deep, 0), "nested deeper than 64 levels");
}

TEST_F(SafetensorsTest, NestingUpToTheLimitIsRead) {
  // 63 levels below the header object: the limit refuses depth, not JSON.
  const std::string header = R"({"__metadata__":{},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":)" +
                             std::string(62, '[') + std::string(62, ']') + "}";
  expect_format_error(write_raw("limit.safetensors", header, 4), "header entry must be a JSON object");
}

// Random damage to a valid file must give a FormatError or a readable file,
// never a crash or another exception type.
TEST_F(SafetensorsTest, RandomCorruptionNeverCrashes) {
  TensorMap tensors;
  tensors["weight"] = TensorEntry::from(counting_floats({3, 4}));
  tensors["bias"] = TensorEntry::from(counting_floats({4}));
  const std::vector<std::byte> good = serialize_safetensors(tensors, {{"key", "value"}});
  std::mt19937 random(1234);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<std::byte> bytes = good;
    const int damage = 1 + static_cast<int>(random() % 4);
    for (int d = 0; d < damage; ++d) {
      const size_t at = random() % bytes.size();
      switch (random() % 3) {
        case 0: bytes[at] = static_cast<std::byte>(random() & 0xFF); break;  // flip a byte
        case 1: bytes.resize(at); break;                                       // truncate
        default: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), std::byte{'{'}); break;
      }
      if (bytes.empty()) break;
    }
    try {
      parse_safetensors(bytes, "damaged");
    } catch (const FormatError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("damaged", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace recur
