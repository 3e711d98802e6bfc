// recur report RUN: the run's page — settings, learning curves, and what its
// task shows (samples of a language model, ...) — as one self-contained HTML
// file, RUN/report.html by default. The page is built by the library
// (include/recur/run_report.h); this file only wires the flags.
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "recur/run_report.h"
#include "subcommand.h"
#include "threads_flag.h"

namespace recur::cli {
namespace {

namespace fs = std::filesystem;

struct ReportFlags {
  std::string run;
  std::string out;
  ReportOptions options;
  int threads = 0;
};

int run_report_command(const ReportFlags& f) {
  apply_threads(f.threads);
  if (f.options.sample_length < 0) throw UsageError("--sample-length must be >= 0");
  if (f.options.generation_examples < 0) throw UsageError("--examples must be >= 0 (0: all)");
  for (double t : f.options.temperatures)
    if (!(t >= 0)) throw UsageError("--temperatures must be >= 0 (0 is greedy)");
  if (fs::is_regular_file(f.run))
    throw UsageError(f.run + " is a file; give the run folder that holds it (" +
                     fs::path(f.run).parent_path().string() + ")");
  const fs::path out = f.out.empty() ? fs::path(f.run) / "report.html" : fs::path(f.out);
  write_run_report(f.run, out, f.options);
  std::cout << out.string() << "\n";
  return 0;
}

const bool report_registered = register_subcommand(
    "report", "Write a run's page: settings, learning curves, samples (one self-contained HTML file)",
    [](CLI::App& app) -> SubcommandRun {
      auto f = std::make_shared<ReportFlags>();
      app.add_option("run", f->run, "Run folder (what `recur train --run` wrote)")->required();
      app.add_option("-o,--out", f->out, "Where to write the page (default: RUN/report.html)");
      app.add_option("--sample-length", f->options.sample_length, "Characters per sample (language models)")
          ->capture_default_str();
      app.add_option("--temperatures", f->options.temperatures, "Sampling temperatures (language models)")
          ->capture_default_str()->delimiter(',');
      app.add_option("--seed", f->options.seed, "Seed of the samples")->capture_default_str();
      app.add_option("--examples", f->options.generation_examples,
                     "Dev examples decoded and scored (seq2seq, caption; 0: all)")
          ->capture_default_str();
      add_threads_flag(app, f->threads);
      return [f] { return run_report_command(*f); };
    });

}  // namespace
}  // namespace recur::cli
