// TrainingCurves: a run's log.csv (src/train/training_log.cpp writes it) read
// back as columns of numbers, for the learning curves of `recur report`.
//
//   iteration,epoch,tokens,learning_rate,loss,smoothed_loss,val_loss,grad_norm,
//   tokens_per_s,elapsed_s,clipped_steps
//
// Columns are found by their header name, so a log of an older recur (fewer
// trailing columns) or of a later one (more) still reads. An empty field
// (val_loss between validations) is NaN. Nothing here throws for a bad log:
// a missing or empty file, a line cut short (a run killed while writing, or
// still writing), a field that is not a number — each is skipped and said in
// `problems`, which the report shows instead of the plots it could not draw.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace recur {

struct TrainingCurves {
  std::map<std::string, std::vector<double>> columns;  // by header name; all as long as `rows`
  size_t rows = 0;
  std::vector<std::string> problems;  // one line each, naming the file and line

  bool has(const std::string& name) const { return columns.count(name) != 0; }
  // The column, or NaN for every row when the log has no such column.
  std::vector<double> column(const std::string& name) const;

  static TrainingCurves read(const std::filesystem::path& csv);
};

}  // namespace recur
