// Scaler: per-column normalisation of a time series' numeric columns
// (`--scale standard|minmax|none`), fitted on the training rows only and saved
// in the checkpoint, so that validation, test and predict inputs are scaled
// exactly as the training ones were and forecasts go back to original units.
//
//   scaled = (x - offset) / scale        x = scaled * scale + offset
//   standard: offset = mean, scale = standard deviation (population, ddof 0,
//             as scikit-learn's StandardScaler)
//   minmax:   offset = min, scale = max - min (training rows map to [0, 1])
//   none:     offset = 0, scale = 1
// A column constant over the training rows gets scale 1 (it would divide by
// zero), as scikit-learn does.
//
// Matrices are row-major [rows, width] with width == columns(); a span of
// columns can be addressed with first_column (targets are columns [0, T)).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "recur/tensor.h"

namespace recur {

enum class ScaleKind { Standard, MinMax, None };

// "standard", "minmax", "none" and back; std::invalid_argument otherwise.
ScaleKind parse_scale_kind(std::string_view name);
std::string scale_kind_name(ScaleKind kind);

class Scaler {
 public:
  Scaler() = default;

  // Fits one column per name on rows [row_begin, row_end) of `matrix`
  // ([rows, names.size()], row-major); no other row is read. Throws
  // std::invalid_argument on an empty row range or a non-finite value.
  static Scaler fit(ScaleKind kind, const std::vector<std::string>& names, std::span<const double> matrix,
                    int64_t row_begin, int64_t row_end);

  ScaleKind kind() const { return kind_; }
  int64_t columns() const { return static_cast<int64_t>(names_.size()); }
  const std::vector<std::string>& names() const { return names_; }
  double offset(int64_t column) const { return offset_[column]; }
  double scale(int64_t column) const { return scale_[column]; }

  double transform(int64_t column, double x) const { return (x - offset_[column]) / scale_[column]; }
  double inverse(int64_t column, double y) const { return y * scale_[column] + offset_[column]; }
  // In place, over a row-major [rows, width] matrix whose column c is this
  // scaler's column first_column + c.
  void transform_rows(std::span<double> matrix, int64_t width, int64_t first_column = 0) const;
  void inverse_rows(std::span<double> matrix, int64_t width, int64_t first_column = 0) const;

  // A model's scaled target output ([..., T], the last axis the targets, which
  // are this scaler's columns 0..T-1) in original units, in double.
  Tensor<double> inverse_targets(const Tensor<float>& scaled) const;

  // {"kind": "standard", "columns": [{"name": ..., "offset": ..., "scale": ...}, ...]};
  // from_json validates (std::invalid_argument naming what is wrong).
  nlohmann::json to_json() const;
  static Scaler from_json(const nlohmann::json& json);

 private:
  ScaleKind kind_ = ScaleKind::None;
  std::vector<std::string> names_;
  std::vector<double> offset_, scale_;
};

}  // namespace recur
