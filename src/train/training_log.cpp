#include "train/training_log.h"

#include <unistd.h>

#include <cmath>
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
    "iteration,epoch,tokens,learning_rate,loss,smoothed_loss,val_loss,grad_norm,tokens_per_s,elapsed_s,clipped_steps";

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

}  // namespace

TrainingLog::TrainingLog(const std::filesystem::path& run_dir) : live_(isatty(STDERR_FILENO) != 0) {
  std::filesystem::create_directories(run_dir);
  const std::filesystem::path path = run_dir / "log.csv";
  const bool fresh = !std::filesystem::exists(path) || std::filesystem::file_size(path) == 0;
  if (!fresh) upgrade_header(path);
  csv_.open(path, std::ios::app);
  if (!csv_) throw std::runtime_error("cannot write " + path.string());
  if (fresh) csv_ << kHeader << "\n";
}

TrainingLog::~TrainingLog() { end_live_line(); }

void TrainingLog::write_csv(const ProgressRecord& r) {
  csv_ << fmt::format("{},{:.4f},{},{:.6g},{:.6f},{:.6f},{},{:.6g},{:.1f},{:.2f},{}\n", r.iteration, r.epoch,
                      r.tokens, r.learning_rate, r.loss, r.smoothed_loss,
                      r.validation_loss >= 0 ? fmt::format("{:.6f}", r.validation_loss) : "", r.grad_norm,
                      r.tokens_per_second, r.elapsed_seconds, r.clipped_steps);
  csv_.flush();
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
