// TrainingLog: how a run reports itself. A live, rewritten progress line when
// stderr is a terminal, plain lines when it is not (a file, CI), and every
// figure appended to RUN/log.csv.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
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
  double grad_norm = 0;      // global gradient norm before clipping, at this record's step
  int64_t clipped_steps = 0; // steps of the run so far whose gradients clipping changed
  double tokens_per_second = 0;
  double elapsed_seconds = 0;
  double eta_seconds = -1;  // < 0: unknown
  // The --monitor figure other than the loss, where measured at this record (else NaN).
  std::string monitored_name;
  double monitored = std::numeric_limits<double>::quiet_NaN();
  bool monitored_best = false;  // it was the best so far (best.safetensors written)
};

class TrainingLog {
 public:
  // Appends to RUN/log.csv (writing the header when the file is new). A run
  // resumed from a checkpoint of iteration N passes resumed_at = N: the rows
  // after N that an interrupted run logged past its last checkpoint are
  // dropped, since those iterations run again and log again.
  explicit TrainingLog(const std::filesystem::path& run_dir, int64_t resumed_at = -1);
  // A log that writes nothing: the other ranks of a data-parallel run, where rank 0 alone reports.
  TrainingLog() : quiet_(true), live_(false) {}
  ~TrainingLog();

  bool live() const { return live_; }
  // A logged record: a row of log.csv and a progress line (a line of its own
  // when force_line or not on a terminal; else the live line).
  void progress(const ProgressRecord& record, bool force_line);
  // Only redraws the live line (on a terminal, at most every kRedrawSeconds);
  // log.csv keeps the same rows whether or not stderr is a terminal.
  void live_update(const ProgressRecord& record);
  void message(const std::string& text);  // a line of its own, never overwritten

 private:
  static constexpr double kRedrawSeconds = 0.2;

  void write_csv(const ProgressRecord& record);
  void draw(const ProgressRecord& record, bool own_line);
  void end_live_line();

  bool quiet_ = false;
  std::filesystem::path csv_path_;
  std::ofstream csv_;
  bool csv_failed_ = false;  // said once, then the run goes on without its log
  bool live_;
  bool live_line_open_ = false;
  double last_redraw_seconds_ = -1;  // elapsed_seconds of the last live redraw
};

std::string format_duration(double seconds);

}  // namespace recur
