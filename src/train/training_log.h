// TrainingLog: how a run reports itself. A live, rewritten progress line when
// stderr is a terminal, plain lines when it is not (a file, CI), and every
// figure appended to RUN/log.csv.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace recur {

struct ProgressRecord {
  int64_t iteration = 0;
  double epoch = 0;
  int64_t tokens = 0;
  double learning_rate = 0;
  double loss = 0;
  double smoothed_loss = 0;
  double validation_loss = -1;  // < 0: not measured at this record
  double grad_norm = 0;
  double tokens_per_second = 0;
  double elapsed_seconds = 0;
  double eta_seconds = -1;  // < 0: unknown
};

class TrainingLog {
 public:
  // Appends to RUN/log.csv (writing the header when the file is new).
  explicit TrainingLog(const std::filesystem::path& run_dir);
  ~TrainingLog();

  bool live() const { return live_; }
  void progress(const ProgressRecord& record, bool force_line);
  void message(const std::string& text);  // a line of its own, never overwritten

 private:
  void write_csv(const ProgressRecord& record);
  void end_live_line();

  std::ofstream csv_;
  bool live_;
  bool live_line_open_ = false;
};

std::string format_duration(double seconds);

}  // namespace recur
