// The CSV of `recur forecast`: the table, then the time series built from it
// (dates, missing values, categorical columns, split). The first byte picks
// the options; the last column is the target, the first the date.
#include <exception>

#include "fuzz_input.h"
#include "recur/data_error.h"
#include "recur/time_series.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [bits, text] = recur::fuzz::split_choice(data, size);
  try {
    const recur::CsvTable table = recur::parse_csv(text, "fuzz.csv");
    if (table.header.empty()) return 0;
    recur::TimeSeriesOptions options;
    options.targets = {table.header.back()};
    if ((bits & 1) && table.header.size() > 1) options.date_columns = {table.header[0]};
    if ((bits & 2) && table.header.size() > 2) options.categorical = {table.header[1]};
    options.missing = static_cast<recur::MissingPolicy>((bits >> 2) % 4);
    options.allow_unsorted = (bits & 16) != 0;
    (void)recur::build_time_series(table, options);
  } catch (const recur::DataError&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
