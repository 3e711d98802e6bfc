// TimeSeries: a CSV file turned into the numbers a forecaster works on — the
// rows in time order, their dates, the numeric columns in original units, the
// encoded (one-hot and calendar) columns, and the train/validation/test split.
//
// Columns (TimeSeriesOptions mirrors the flags of `recur forecast`):
//   targets      the columns to predict (--target), numeric.
//   features     numeric inputs (--features); empty means every numeric
//                column (one whose first non-missing cell is a number) that is
//                not a date or categorical column. Targets are inputs too
//                unless targets_as_inputs is false, as is standard.
//   date         --date NAME (text, date_time.h), or --date year,month,day,hour
//                (integer columns assembled into one date, as pollution.csv
//                has it). Kept for output; never an input except through
//                calendar features (calendar_features.h).
//   categorical  one-hot encoded, one column "<name>=<level>" per level; the
//                levels are those seen in the training rows (sorted), or the
//                ones a checkpoint fixes; an unseen level encodes as all zeros.
//
// Layout: numeric [rows, N] holds the targets first (in --target order), then
// the other numeric features (in the order given, or the header's). encoded
// [rows, E] holds the one-hot columns, then the calendar columns. A model's
// input row is numeric columns [input_numeric_begin(), N) followed by encoded
// columns: F = input_width() values. Only numeric columns are scaled
// (scaler.h); encoded ones are already in [-1, 1].
//
// Order of work, chosen so that nothing fitted sees the future of a split:
// parse (every numeric and date cell checked) -> date order check (or stable
// sort under allow_unsorted) -> missing values: error, or drop rows -> split
// boundaries on the rows kept -> fill (ffill / interpolate within the parts,
// missing_values.h) -> categorical levels from training rows -> encode.
//
// Every problem with the file is a DataError (data_error.h) naming file, row and
// column: unknown --target/--features/--date/--categorical names; a
// non-numeric value in a numeric column; a missing value under error; an
// unparseable date; dates out of order; calendar features finer than the
// dates; too few rows for the split.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "recur/calendar_features.h"
#include "recur/csv_table.h"
#include "recur/data_split.h"
#include "recur/date_time.h"
#include "recur/missing_values.h"

namespace recur {

struct TimeSeriesOptions {
  std::vector<std::string> targets;       // --target (one or more)
  std::vector<std::string> features;      // --features; empty = every numeric column
  std::vector<std::string> date_columns;  // --date: one text column, or 1-6 integer columns year..second
  std::vector<std::string> categorical;   // --categorical
  std::vector<CalendarFeature> calendar;  // --calendar
  MissingPolicy missing = MissingPolicy::Error;
  bool allow_unsorted = false;  // --allow-unsorted: sort rows by date (stable) instead of refusing
  bool targets_as_inputs = true;
  SplitFractions split{0.1, 0.1};  // --val-frac, --test-frac
  // Levels of each categorical column, as a checkpoint fixed them; a column
  // not listed here learns its levels from the training rows.
  std::map<std::string, std::vector<std::string>> categories;

  // For the checkpoint; from_json throws std::invalid_argument naming a bad key.
  nlohmann::json to_json() const;
  static TimeSeriesOptions from_json(const nlohmann::json& json);
};

struct TimeSeries {
  std::string path;
  std::vector<DateTime> dates;     // one per row; empty when there is no date
  std::vector<int64_t> file_rows;  // the file row of each row kept (for messages)

  std::vector<std::string> numeric_names;  // N; the first target_count are the targets
  int64_t target_count = 0;
  std::vector<double> numeric;  // [rows, N], original units
  std::vector<std::string> encoded_names;  // E
  std::vector<double> encoded;             // [rows, E]
  bool targets_as_inputs = true;

  SplitBoundaries split;  // row ranges of train / validation / test
  std::map<std::string, std::vector<std::string>> categories;  // levels in use (for the checkpoint)
  int64_t rows_dropped = 0;  // by the missing-value policy
  int64_t cells_filled = 0;  // by ffill / interpolate

  int64_t rows() const { return static_cast<int64_t>(file_rows.size()); }
  int64_t numeric_width() const { return static_cast<int64_t>(numeric_names.size()); }
  int64_t encoded_width() const { return static_cast<int64_t>(encoded_names.size()); }
  int64_t input_numeric_begin() const { return targets_as_inputs ? 0 : target_count; }
  int64_t input_width() const { return numeric_width() - input_numeric_begin() + encoded_width(); }
  // The F input column names, in input order.
  std::vector<std::string> input_names() const;
  std::vector<std::string> target_names() const {
    return {numeric_names.begin(), numeric_names.begin() + target_count};
  }
  double value(int64_t row, int64_t numeric_column) const { return numeric[row * numeric_width() + numeric_column]; }
  double target(int64_t row, int64_t k) const { return value(row, k); }
};

TimeSeries build_time_series(const CsvTable& table, const TimeSeriesOptions& options);
// read_csv_file + build_time_series.
TimeSeries load_time_series(const std::string& path, const TimeSeriesOptions& options);

}  // namespace recur
