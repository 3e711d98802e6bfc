// recur gradients CHECKPOINT --data FILE: how the gradient of the loss at the
// last step reaches back through a T-step sequence (include/recur/gradient_flow.h):
// per layer ||dL/dh_k|| for every step k, the largest singular values of each
// W_hh block, and (char models) the fraction of saturated gates. CSV on stdout,
// or JSON (--json); --svg FILE draws log ||dL/dh_k|| against the distance;
// --save writes gradients.json and gradients.svg beside the checkpoint, where
// `recur report` shows them.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "model_loading.h"
#include "recur/gradient_flow.h"
#include "recur/memory_task.h"
#include "recur/run_folder.h"
#include "threads_flag.h"

namespace recur::cli {
namespace {

namespace fs = std::filesystem;

struct GradientsFlags {
  std::string checkpoint;
  std::optional<std::string> data;
  int64_t steps = 100, batch = 32, singular_values = 3;
  std::optional<std::string> svg;
  bool save = false;
  bool json = false;
  int threads = 0;
  bool steps_given = false;
};

// Written to a temporary file and renamed, so that a failure leaves no half file.
void write_file(const fs::path& path, const std::string& text) {
  const fs::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) throw UsageError(fmt::format("{}: cannot write", temporary.string()));
  }
  fs::rename(temporary, path);
}

GradientFlow measure(const GradientsFlags& f, const Checkpoint& checkpoint) {
  const std::string task = checkpoint_task(checkpoint);
  if (task == kMemoryTask) {
    if (f.data) throw UsageError("--data is not for a memory-task model: its sequences are generated from its seed");
    if (f.steps_given) throw UsageError("--steps is not for a memory-task model: its task fixes the sequence length");
    MemoryModel loaded = MemoryModel::from_checkpoint(checkpoint);
    return memory_gradient_flow(loaded, f.batch, f.singular_values);
  }
  if (task != kCharLmTask)
    throw UsageError(fmt::format("{} is a '{}' checkpoint; recur gradients reads character language models "
                                 "(recur train) and memory-task models (recur memory)",
                                 checkpoint.path.string(), task));
  if (!f.data) throw UsageError("--data FILE is required: the text whose windows are read");
  LoadedCharModel loaded;
  loaded.path = checkpoint.path;
  loaded.model = CharModel::from_checkpoint(checkpoint);
  const std::vector<int64_t> tokens = read_text_tokens(*f.data, loaded);
  if (static_cast<int64_t>(tokens.size()) < f.steps + 1)
    throw UsageError(fmt::format("{}: {} characters is too short for --steps {} (needs {})", *f.data, tokens.size(),
                                 f.steps, f.steps + 1));
  return char_lm_gradient_flow(*loaded.model.model, tokens, f.steps, f.batch, f.singular_values);
}

int run_gradients(const GradientsFlags& f) {
  if (f.steps < 1) throw UsageError(fmt::format("--steps must be >= 1, got {}", f.steps));
  if (f.batch < 1) throw UsageError(fmt::format("--batch must be >= 1, got {}", f.batch));
  if (f.singular_values < 1) throw UsageError(fmt::format("--singular-values must be >= 1, got {}", f.singular_values));
  apply_threads(f.threads);
  const Checkpoint checkpoint = load_checkpoint(find_checkpoint(f.checkpoint, CheckpointPick::BestElseLast));
  const GradientFlow flow = measure(f, checkpoint);
  const std::string title = fmt::format("Gradient flow: {}, loss at the last of {} steps", flow.cell, flow.steps);
  if (f.svg) write_file(*f.svg, flow.svg(title));
  if (f.save) {
    const fs::path dir = checkpoint.path.parent_path().empty() ? fs::path(".") : checkpoint.path.parent_path();
    nlohmann::json record = flow.to_json();
    record["checkpoint"] = checkpoint.path.filename().string();
    record["data"] = f.data ? nlohmann::json(*f.data) : nlohmann::json();
    write_file(dir / "gradients.json", record.dump(1) + "\n");
    write_file(dir / "gradients.svg", flow.svg(title));
  }
  if (f.json) {
    nlohmann::json report = flow.to_json();
    report["checkpoint"] = checkpoint.path.string();
    std::printf("%s\n", report.dump().c_str());
  } else {
    std::printf("%s", flow.to_csv().c_str());
  }
  std::fflush(stdout);
  return 0;
}

const bool gradients_registered = register_subcommand(
    "gradients", "Gradient flow through time: ||dL/dh_k|| per step and layer, W_hh spectra, saturated gates",
    [](CLI::App& app) -> SubcommandRun {
      auto f = std::make_shared<GradientsFlags>();
      add_checkpoint_argument(app, f->checkpoint);
      app.add_option("--data", f->data, "Text file whose windows are read (character language models)");
      app.add_option("--steps", f->steps, "Steps T of each window; the loss is at the last")->capture_default_str();
      app.add_option("--batch", f->batch, "Windows (sequences) averaged over")->capture_default_str();
      app.add_option("--singular-values", f->singular_values, "Largest singular values per W_hh block")
          ->capture_default_str();
      app.add_option("--svg", f->svg, "Also draw log ||dL/dh_k|| against the distance into this SVG file");
      app.add_flag("--save", f->save,
                   "Also write gradients.json and gradients.svg beside the checkpoint (recur report shows them)");
      app.add_flag("--json", f->json, "Print JSON instead of CSV");
      add_threads_flag(app, f->threads);
      return [f, &app] {
        f->steps_given = app.count("--steps") > 0;
        return run_gradients(*f);
      };
    });

}  // namespace
}  // namespace recur::cli
