#include "recur/time_series.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>

#include "recur/data_error.h"

namespace recur {

namespace {

// The header is the file's first row (spreadsheet numbering).
constexpr int64_t kHeaderRow = 1;
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A finite decimal number, or nullopt.
std::optional<double> parse_number(std::string_view cell) {
  cell = trimmed(cell);
  if (!cell.empty() && cell.front() == '+') cell.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  if (cell.empty() || error != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::string joined(const std::vector<std::string>& names) { return fmt::format("{}", fmt::join(names, ", ")); }

bool contains(const std::vector<int64_t>& list, int64_t value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The cells of the file, typed: what build_time_series works on before it
// settles the row order and the missing values.
struct ParsedRows {
  std::vector<std::optional<DateTime>> dates;           // per file record; empty without a date
  std::vector<std::vector<double>> numeric;              // [column][record], NaN = missing
  std::vector<std::vector<std::optional<std::string>>> categorical;  // [column][record]
};

class TimeSeriesBuilder {
 public:
  TimeSeriesBuilder(const CsvTable& table, const TimeSeriesOptions& options) : table_(table), options_(options) {}

  TimeSeries build() {
    resolve_columns();
    parse_cells();
    settle_rows();
    return assemble();
  }

 private:
  DataError error(int64_t record, int64_t column, const std::string& what) const {
    return DataError(table_.path, record < 0 ? kHeaderRow : table_.file_rows[record],
                     column < 0 ? "" : table_.header[column], what);
  }

  int64_t column_named(const std::string& name, const char* flag) const {
    const int64_t j = table_.find_column(name);
    if (j < 0)
      throw DataError(table_.path, kHeaderRow, name,
                      fmt::format("no such column in the header (it has {}); check {}", joined(table_.header), flag));
    return j;
  }

  std::string date_label() const {
    std::vector<std::string> names;
    for (const int64_t j : date_columns_) names.push_back(table_.header[j]);
    return fmt::format("{}", fmt::join(names, ","));
  }

  bool first_value_is_number(int64_t column) const {
    for (const auto& row : table_.rows)
      if (!is_missing_cell(row[column])) return parse_number(row[column]).has_value();
    return false;
  }

  void resolve_columns() {
    if (options_.targets.empty())
      throw std::invalid_argument("no target column given; name the column(s) to predict with --target");
    if (options_.date_columns.size() > 6)
      throw std::invalid_argument("--date takes one column, or up to six (year,month,day,hour,minute,second)");
    for (const auto& name : options_.date_columns) date_columns_.push_back(column_named(name, "--date"));
    for (const auto& name : options_.categorical) categorical_columns_.push_back(column_named(name, "--categorical"));

    const auto add_numeric = [&](int64_t j, const char* flag) {
      if (contains(date_columns_, j))
        throw error(-1, j,
                    fmt::format("is part of the date, which is never a model input; drop it from {} (for the "
                                "season or time of day, use --calendar month,weekday,hour)",
                                flag));
      if (contains(categorical_columns_, j)) {
        if (std::string_view(flag) == "--target")
          throw error(-1, j, "is categorical; a target must be a numeric column");
        return;  // a categorical feature is one-hot encoded already
      }
      if (!contains(numeric_columns_, j)) numeric_columns_.push_back(j);
    };
    for (const auto& name : options_.targets) add_numeric(column_named(name, "--target"), "--target");
    target_count_ = static_cast<int64_t>(numeric_columns_.size());
    if (options_.features.empty()) {
      for (int64_t j = 0; j < table_.columns(); ++j)
        if (!contains(date_columns_, j) && !contains(categorical_columns_, j) && first_value_is_number(j))
          add_numeric(j, "--features");
    } else {
      for (const auto& name : options_.features) add_numeric(column_named(name, "--features"), "--features");
    }
  }

  void parse_cells() {
    const int64_t n = table_.size();
    parsed_.numeric.assign(numeric_columns_.size(), std::vector<double>(static_cast<size_t>(n), kMissing));
    parsed_.categorical.assign(categorical_columns_.size(), std::vector<std::optional<std::string>>(static_cast<size_t>(n)));
    if (!date_columns_.empty()) parsed_.dates.resize(static_cast<size_t>(n));
    for (int64_t r = 0; r < n; ++r) {
      const auto& row = table_.rows[r];
      for (size_t c = 0; c < numeric_columns_.size(); ++c) {
        const std::string& cell = row[numeric_columns_[c]];
        if (is_missing_cell(cell)) continue;
        const auto value = parse_number(cell);
        if (!value)
          throw error(r, numeric_columns_[c],
                      fmt::format("'{}' is not a number; fix the cell, mark it missing (NA) and choose --missing, or "
                                  "if the column is categorical pass --categorical {}",
                                  cell, table_.header[numeric_columns_[c]]));
        parsed_.numeric[c][r] = *value;
      }
      for (size_t c = 0; c < categorical_columns_.size(); ++c) {
        const std::string& cell = row[categorical_columns_[c]];
        if (!is_missing_cell(cell)) parsed_.categorical[c][r] = std::string(trimmed(cell));
      }
      if (!date_columns_.empty()) parsed_.dates[r] = parse_date(r);
    }
  }

  // nullopt when the date is missing (some date cell empty or NA).
  std::optional<DateTime> parse_date(int64_t r) const {
    const auto& row = table_.rows[r];
    if (date_columns_.size() == 1) {
      const std::string& cell = row[date_columns_[0]];
      if (is_missing_cell(cell)) return std::nullopt;
      auto date = parse_date_time(cell);
      if (!date)
        throw error(r, date_columns_[0],
                    fmt::format("'{}' is not a date; write YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS]", cell));
      return date;
    }
    std::vector<int64_t> parts;
    for (const int64_t j : date_columns_) {
      if (is_missing_cell(row[j])) return std::nullopt;
      const auto value = parse_number(row[j]);
      if (!value || *value != std::floor(*value))
        throw error(r, j, fmt::format("'{}' is not a whole number, so no part of a date", row[j]));
      parts.push_back(static_cast<int64_t>(*value));
    }
    auto date = date_from_parts(parts);
    if (!date)
      throw DataError(table_.path, table_.file_rows[r], date_label(),
                      fmt::format("{} is no real date (year,month,day,hour,minute,second)", fmt::join(parts, ",")));
    return date;
  }

  // The first used column whose cell in record r is missing, or -1.
  int64_t missing_column(int64_t r) const {
    if (!parsed_.dates.empty() && !parsed_.dates[r]) return date_columns_[0];
    for (size_t c = 0; c < numeric_columns_.size(); ++c)
      if (std::isnan(parsed_.numeric[c][r])) return numeric_columns_[c];
    for (size_t c = 0; c < categorical_columns_.size(); ++c)
      if (!parsed_.categorical[c][r]) return categorical_columns_[c];
    return -1;
  }

  // Settles which records become rows, in which order: missing values
  // (error or drop), date order, and the leading rows ffill cannot fill.
  void settle_rows() {
    for (int64_t r = 0; r < table_.size(); ++r) {
      const int64_t missing = missing_column(r);
      const bool date_missing = !parsed_.dates.empty() && !parsed_.dates[r];
      if (missing >= 0 && options_.missing == MissingPolicy::Drop) {
        ++rows_dropped_;
        continue;
      }
      if (missing >= 0 && (options_.missing == MissingPolicy::Error || date_missing))
        throw error(r, missing,
                    date_missing ? "the date is missing; dates are never filled in, so fix the file or use --missing drop"
                                 : "missing value; fill it in, or choose --missing drop, ffill or interpolate");
      order_.push_back(r);
    }
    check_date_order();
    if (options_.missing == MissingPolicy::ForwardFill || options_.missing == MissingPolicy::Interpolate)
      find_unfillable_leading_rows();
    if (static_cast<int64_t>(order_.size()) <= leading_rows_)
      throw DataError(table_.path, 0, "", "no data rows left; the file needs rows below its header");
  }

  void check_date_order() {
    if (parsed_.dates.empty()) return;
    const auto date_of = [&](int64_t r) { return *parsed_.dates[r]; };
    for (size_t i = 1; i < order_.size(); ++i) {
      if (!(date_of(order_[i]) < date_of(order_[i - 1]))) continue;
      if (options_.allow_unsorted) {
        std::stable_sort(order_.begin(), order_.end(), [&](int64_t a, int64_t b) { return date_of(a) < date_of(b); });
        return;
      }
      throw DataError(table_.path, table_.file_rows[order_[i]], date_label(),
                      fmt::format("date {} comes after {} on row {}; sort the file by date, or pass --allow-unsorted to "
                                  "have the rows sorted",
                                  date_of(order_[i]).to_string(), date_of(order_[i - 1]).to_string(),
                                  table_.file_rows[order_[i - 1]]));
    }
  }

  // Rows before every column has had a value cannot be filled (a backward fill
  // would use the future). They stay in order_ until the fill has run, since
  // their values may fill later rows; leading_rows_ says how many to drop then.
  void find_unfillable_leading_rows() {
    size_t first_complete = 0;
    const auto first_present = [&](auto present, int64_t column) {
      for (size_t i = 0; i < order_.size(); ++i)
        if (present(order_[i])) return i;
      throw DataError(table_.path, 0, table_.header[column], "has no values at all; it cannot be filled in");
    };
    for (size_t c = 0; c < numeric_columns_.size(); ++c)
      first_complete = std::max(
          first_complete,
          first_present([&](int64_t r) { return !std::isnan(parsed_.numeric[c][r]); }, numeric_columns_[c]));
    for (size_t c = 0; c < categorical_columns_.size(); ++c)
      first_complete = std::max(
          first_complete,
          first_present([&](int64_t r) { return parsed_.categorical[c][r].has_value(); }, categorical_columns_[c]));
    leading_rows_ = static_cast<int64_t>(first_complete);
    rows_dropped_ += leading_rows_;
  }

  SplitBoundaries split(int64_t rows) const {
    try {
      return split_boundaries(rows, options_.split);
    } catch (const std::invalid_argument& e) {
      throw DataError(table_.path, 0, "",
                      fmt::format("{} rows are too few for a validation fraction of {} and a test fraction of {} ({})",
                                  rows, options_.split.validation, options_.split.test, e.what()));
    }
  }

  TimeSeries assemble() {
    TimeSeries s;
    s.path = table_.path;
    s.targets_as_inputs = options_.targets_as_inputs;
    s.target_count = target_count_;
    s.rows_dropped = rows_dropped_;
    const std::span<const int64_t> kept = std::span(order_).subspan(static_cast<size_t>(leading_rows_));
    const auto rows = static_cast<int64_t>(kept.size());
    for (const int64_t r : kept) s.file_rows.push_back(table_.file_rows[r]);
    if (!parsed_.dates.empty())
      for (const int64_t r : kept) s.dates.push_back(*parsed_.dates[r]);
    s.split = split(rows);
    // The fill runs over the leading rows too (they are history of the
    // training part); part ends are in positions of order_.
    const int64_t part_ends[] = {leading_rows_ + s.split.train_end, leading_rows_ + s.split.validation_end,
                                 leading_rows_ + s.split.total};

    const auto width = static_cast<int64_t>(numeric_columns_.size());
    s.numeric.assign(static_cast<size_t>(rows * width), 0.0);
    for (int64_t c = 0; c < width; ++c) {
      s.numeric_names.push_back(table_.header[numeric_columns_[c]]);
      std::vector<double> column;
      for (const int64_t r : order_) column.push_back(parsed_.numeric[c][r]);
      s.cells_filled += std::count_if(column.begin() + leading_rows_, column.end(), [](double v) { return std::isnan(v); });
      fill_missing(column, options_.missing, part_ends);
      for (int64_t i = 0; i < rows; ++i) s.numeric[i * width + c] = column[leading_rows_ + i];
    }

    std::vector<std::vector<double>> encoded_columns;
    for (size_t c = 0; c < categorical_columns_.size(); ++c) encode_categorical(s, c, encoded_columns);
    for (const CalendarFeature feature : options_.calendar) encode_calendar(s, feature, encoded_columns);
    const auto encoded_width = static_cast<int64_t>(encoded_columns.size());
    s.encoded.assign(static_cast<size_t>(rows * encoded_width), 0.0);
    for (int64_t e = 0; e < encoded_width; ++e)
      for (int64_t i = 0; i < rows; ++i) s.encoded[i * encoded_width + e] = encoded_columns[e][i];
    return s;
  }

  void encode_categorical(TimeSeries& s, size_t c, std::vector<std::vector<double>>& out) {
    const std::string& name = table_.header[categorical_columns_[c]];
    std::vector<std::string> levels_in_order;  // the kept rows' levels, carried forward where missing
    std::optional<std::string> last;
    for (size_t i = 0; i < order_.size(); ++i) {
      const int64_t r = order_[i];
      if (parsed_.categorical[c][r]) last = parsed_.categorical[c][r];
      else if (static_cast<int64_t>(i) >= leading_rows_) ++s.cells_filled;
      // Past the leading rows every column has had a value, so `last` is set.
      if (static_cast<int64_t>(i) >= leading_rows_) levels_in_order.push_back(*last);
    }
    std::vector<std::string> levels;
    if (const auto fixed = options_.categories.find(name); fixed != options_.categories.end()) {
      levels = fixed->second;
    } else {
      // Levels from the training rows only: a level first seen later is unknown to the model.
      const std::set<std::string> seen(levels_in_order.begin(), levels_in_order.begin() + s.split.train_end);
      levels.assign(seen.begin(), seen.end());
    }
    s.categories[name] = levels;
    for (const std::string& level : levels) {
      s.encoded_names.push_back(name + "=" + level);
      std::vector<double> column;
      for (const std::string& value : levels_in_order) column.push_back(value == level ? 1.0 : 0.0);
      out.push_back(std::move(column));
    }
  }

  void encode_calendar(TimeSeries& s, CalendarFeature feature, std::vector<std::vector<double>>& out) {
    const std::string feature_name = calendar_feature_name(feature);
    if (s.dates.empty())
      throw std::invalid_argument(
          fmt::format("calendar feature '{}' needs dates; name the date column with --date", feature_name));
    for (int64_t i = 0; i < s.rows(); ++i)
      if (s.dates[i].precision < required_precision(feature))
        throw DataError(table_.path, s.file_rows[i], date_label(),
                        fmt::format("date {} is too coarse for the calendar feature '{}'; drop it from --calendar",
                                    s.dates[i].to_string(), feature_name));
    const auto names = calendar_column_names(feature);
    const size_t first = out.size();
    for (const auto& column_name : names) {
      s.encoded_names.push_back(column_name);
      out.emplace_back();
    }
    for (const DateTime& date : s.dates) {
      const auto values = calendar_values(feature, date);
      for (size_t k = 0; k < values.size(); ++k) out[first + k].push_back(values[k]);
    }
  }

  const CsvTable& table_;
  const TimeSeriesOptions& options_;
  std::vector<int64_t> date_columns_, categorical_columns_, numeric_columns_;
  int64_t target_count_ = 0;
  ParsedRows parsed_;
  std::vector<int64_t> order_;  // records that become rows, in time order (after leading_rows_)
  int64_t leading_rows_ = 0;    // unfillable leading records of order_, dropped after the fill
  int64_t rows_dropped_ = 0;
};

}  // namespace

std::vector<std::string> TimeSeries::input_names() const {
  std::vector<std::string> names(numeric_names.begin() + input_numeric_begin(), numeric_names.end());
  names.insert(names.end(), encoded_names.begin(), encoded_names.end());
  return names;
}

TimeSeries build_time_series(const CsvTable& table, const TimeSeriesOptions& options) {
  options.split.validate();
  return TimeSeriesBuilder(table, options).build();
}

TimeSeries load_time_series(const std::string& path, const TimeSeriesOptions& options) {
  return build_time_series(read_csv_file(path), options);
}

nlohmann::json TimeSeriesOptions::to_json() const {
  std::vector<std::string> calendar_names;
  for (const CalendarFeature f : calendar) calendar_names.push_back(calendar_feature_name(f));
  return {{"targets", targets},
          {"features", features},
          {"date_columns", date_columns},
          {"categorical", categorical},
          {"calendar", calendar_names},
          {"missing", missing_policy_name(missing)},
          {"allow_unsorted", allow_unsorted},
          {"targets_as_inputs", targets_as_inputs},
          {"validation_fraction", split.validation},
          {"test_fraction", split.test},
          {"categories", categories}};
}

TimeSeriesOptions TimeSeriesOptions::from_json(const nlohmann::json& json) {
  TimeSeriesOptions o;
  try {
    o.targets = json.at("targets").get<std::vector<std::string>>();
    o.features = json.at("features").get<std::vector<std::string>>();
    o.date_columns = json.at("date_columns").get<std::vector<std::string>>();
    o.categorical = json.at("categorical").get<std::vector<std::string>>();
    for (const auto& name : json.at("calendar").get<std::vector<std::string>>())
      o.calendar.push_back(parse_calendar_features(name).at(0));
    o.missing = parse_missing_policy(json.at("missing").get<std::string>());
    o.allow_unsorted = json.at("allow_unsorted").get<bool>();
    o.targets_as_inputs = json.at("targets_as_inputs").get<bool>();
    o.split.validation = json.at("validation_fraction").get<double>();
    o.split.test = json.at("test_fraction").get<double>();
    o.categories = json.at("categories").get<std::map<std::string, std::vector<std::string>>>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(fmt::format("bad time-series options in the checkpoint: {}", e.what()));
  }
  o.split.validate();
  return o;
}

}  // namespace recur
