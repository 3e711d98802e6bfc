#include "train/training_log.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <stdexcept>

namespace recur {

std::string format_duration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "?";
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

namespace {

constexpr const char* kHeader =
    "iteration,epoch,tokens,learning_rate,loss,smoothed_loss,val_loss,grad_norm,tokens_per_s,elapsed_s,clipped_steps,"
    "val_monitored";

// A run started by an older recur has a log.csv whose header lacks the newer
// trailing columns; its rows are kept as they are (CSV readers fill the
// missing fields), and the header is rewritten so that the new, longer rows
// still fit it. Written to a temporary file and renamed: the log is never lost.
void upgrade_header(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string header;
  std::getline(in, header);
  if (header == kHeader || std::string(kHeader).rfind(header + ",", 0) != 0) return;
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << kHeader << "\n" << in.rdbuf();
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
}

// Keeps the header and the rows of iterations up to last_iteration (rows that
// do not start with a number, which recur never writes, are kept as they are).
// Through a temporary file and a rename, as above.
void drop_rows_after(const std::filesystem::path& path, int64_t last_iteration) {
  std::ifstream in(path);
  std::string line, kept;
  bool dropped = false, first = true;
  while (std::getline(in, line)) {
    char* end = nullptr;
    const long long iteration = std::strtoll(line.c_str(), &end, 10);
    if (!first && end != line.c_str() && *end == ',' && iteration > last_iteration) {
      dropped = true;
      continue;
    }
    kept += line + "\n";
    first = false;
  }
  if (!dropped) return;
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << kept;
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace

TrainingLog::TrainingLog(const std::filesystem::path& run_dir, int64_t resumed_at)
    : csv_path_(run_dir / "log.csv"), live_(isatty(STDERR_FILENO) != 0) {
  std::filesystem::create_directories(run_dir);
  const std::filesystem::path& path = csv_path_;
  std::error_code no_size;  // a device or a pipe in place of the file: written to as new
  const bool fresh = !std::filesystem::exists(path) || std::filesystem::file_size(path, no_size) == 0 || no_size;
  if (!fresh) upgrade_header(path);
  if (!fresh && resumed_at >= 0) drop_rows_after(path, resumed_at);
  csv_.open(path, std::ios::app);
  if (!csv_) throw std::runtime_error("cannot write " + path.string());
  if (fresh) csv_ << kHeader << "\n";
}

TrainingLog::~TrainingLog() { end_live_line(); }

void TrainingLog::write_csv(const ProgressRecord& r) {
  csv_ << fmt::format("{},{:.4f},{},{:.6g},{:.6f},{:.6f},{},{:.6g},{:.1f},{:.2f},{},{}\n", r.iteration, r.epoch,
                      r.tokens, r.learning_rate, r.loss, r.smoothed_loss,
                      r.validation_loss >= 0 ? fmt::format("{:.6f}", r.validation_loss) : "", r.grad_norm,
                      r.tokens_per_second, r.elapsed_seconds, r.clipped_steps,
                      std::isnan(r.monitored) ? "" : fmt::format("{:.6g}", r.monitored));
  csv_.flush();
  // A full disk must not stop training (the checkpoints say so themselves),
  // but a learning curve with a hole in it is said once.
  if (!csv_ && !csv_failed_) {
    csv_failed_ = true;
    message(fmt::format("warning: cannot append to {} from iteration {} on: the learning curve misses those rows",
                        csv_path_.string(), r.iteration));
  }
}

void TrainingLog::end_live_line() {
  if (live_line_open_) {
    std::fputc('\n', stderr);
    live_line_open_ = false;
  }
}

void TrainingLog::progress(const ProgressRecord& r, bool force_line) {
  if (quiet_) return;
  write_csv(r);
  draw(r, force_line || !live_);
}

void TrainingLog::live_update(const ProgressRecord& r) {
  if (!live_ || (last_redraw_seconds_ >= 0 && r.elapsed_seconds - last_redraw_seconds_ < kRedrawSeconds)) return;
  draw(r, false);
}

void TrainingLog::draw(const ProgressRecord& r, bool own_line) {
  std::string line = fmt::format("iter {} | epoch {:.2f} | loss {:.4f} | smooth {:.4f}", r.iteration, r.epoch, r.loss,
                                 r.smoothed_loss);
  if (r.validation_loss >= 0) line += fmt::format(" | val {:.4f}", r.validation_loss);
  if (!std::isnan(r.monitored))
    line += fmt::format(" | {} {:.4f}{}", r.monitored_name, r.monitored, r.monitored_best ? " (best)" : "");
  line += fmt::format(" | lr {:.3g} | {:.0f} tok/s | {} elapsed", r.learning_rate, r.tokens_per_second,
                      format_duration(r.elapsed_seconds));
  if (r.eta_seconds >= 0) line += " | ETA " + format_duration(r.eta_seconds);
  if (!own_line) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    live_line_open_ = true;
    last_redraw_seconds_ = r.elapsed_seconds;
  } else {
    end_live_line();
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

void TrainingLog::message(const std::string& text) {
  if (quiet_) return;
  end_live_line();
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
}

}  // namespace recur
