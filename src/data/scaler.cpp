#include "recur/scaler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace recur {

ScaleKind parse_scale_kind(std::string_view name) {
  if (name == "standard") return ScaleKind::Standard;
  if (name == "minmax") return ScaleKind::MinMax;
  if (name == "none") return ScaleKind::None;
  throw std::invalid_argument(fmt::format("unknown scaling '{}'; use standard, minmax or none", name));
}

std::string scale_kind_name(ScaleKind kind) {
  switch (kind) {
    case ScaleKind::Standard: return "standard";
    case ScaleKind::MinMax: return "minmax";
    case ScaleKind::None: return "none";
  }
  return "none";
}

Scaler Scaler::fit(ScaleKind kind, const std::vector<std::string>& names, std::span<const double> matrix,
                   int64_t row_begin, int64_t row_end) {
  const auto width = static_cast<int64_t>(names.size());
  if (row_begin < 0 || row_end <= row_begin || row_end * width > static_cast<int64_t>(matrix.size()))
    throw std::invalid_argument(fmt::format("cannot fit a scaler on rows [{}, {}) of a {}-row matrix", row_begin, row_end,
                                            width > 0 ? static_cast<int64_t>(matrix.size()) / width : 0));
  Scaler s;
  s.kind_ = kind;
  s.names_ = names;
  s.offset_.assign(names.size(), 0.0);
  s.scale_.assign(names.size(), 1.0);
  const auto count = static_cast<double>(row_end - row_begin);
  for (int64_t c = 0; c < width; ++c) {
    double sum = 0, low = matrix[row_begin * width + c], high = low;
    for (int64_t r = row_begin; r < row_end; ++r) {
      const double x = matrix[r * width + c];
      if (!std::isfinite(x))
        throw std::invalid_argument(fmt::format("column '{}' has a non-finite value at row {}", names[c], r));
      sum += x;
      low = std::min(low, x);
      high = std::max(high, x);
    }
    double offset = 0, scale = 1;
    if (kind == ScaleKind::Standard) {
      offset = sum / count;
      double squares = 0;  // two passes: the mean first, for accuracy
      for (int64_t r = row_begin; r < row_end; ++r) squares += (matrix[r * width + c] - offset) * (matrix[r * width + c] - offset);
      scale = std::sqrt(squares / count);
    } else if (kind == ScaleKind::MinMax) {
      offset = low;
      scale = high - low;
    }
    s.offset_[c] = offset;
    s.scale_[c] = scale > 0 ? scale : 1.0;
  }
  return s;
}

void Scaler::transform_rows(std::span<double> matrix, int64_t width, int64_t first_column) const {
  for (size_t i = 0; i < matrix.size(); ++i)
    matrix[i] = transform(first_column + static_cast<int64_t>(i) % width, matrix[i]);
}

void Scaler::inverse_rows(std::span<double> matrix, int64_t width, int64_t first_column) const {
  for (size_t i = 0; i < matrix.size(); ++i)
    matrix[i] = inverse(first_column + static_cast<int64_t>(i) % width, matrix[i]);
}

Tensor<double> Scaler::inverse_targets(const Tensor<float>& scaled) const {
  Tensor<double> original = tensor_cast<double>(scaled);
  if (original.empty()) return original;
  inverse_rows(original.values(), original.shape().back());
  return original;
}

nlohmann::json Scaler::to_json() const {
  nlohmann::json columns = nlohmann::json::array();
  for (size_t c = 0; c < names_.size(); ++c)
    columns.push_back({{"name", names_[c]}, {"offset", offset_[c]}, {"scale", scale_[c]}});
  return {{"kind", scale_kind_name(kind_)}, {"columns", columns}};
}

Scaler Scaler::from_json(const nlohmann::json& json) {
  Scaler s;
  try {
    s.kind_ = parse_scale_kind(json.at("kind").get<std::string>());
    for (const auto& column : json.at("columns")) {
      const double scale = column.at("scale").get<double>();
      const double offset = column.at("offset").get<double>();
      if (!(scale > 0) || !std::isfinite(scale) || !std::isfinite(offset))
        throw std::invalid_argument(fmt::format("scaler column '{}' has offset {} and scale {}; the scale must be "
                                                "positive and both finite",
                                                column.at("name").get<std::string>(), offset, scale));
      s.names_.push_back(column.at("name").get<std::string>());
      s.offset_.push_back(offset);
      s.scale_.push_back(scale);
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("bad scaler in the checkpoint: {}", e.what()));
  }
  return s;
}

}  // namespace recur
