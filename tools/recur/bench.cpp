// recur bench: times recur itself on one configuration given by flags.
//
//   recur bench --cell lstm --hidden 512 --layers 2 --batch 64 --seq 100 --json
//   recur bench --mode generate --hidden 512 --layers 2 --seq 1000 --vocab 65
//
// --mode train: one training step of the recurrent stack: zero the gradients,
// forward a time-major [T, B, I] input, backward a fixed upstream gradient on
// the output (grad_input included, as PyTorch computes it for an input that
// requires grad and oneDNN always does); with --vocab V a Linear(D*H, V) head
// and softmax cross-entropy against random targets take the upstream's place.
// --mode generate: batch 1, --seq tokens one at a time through a LanguageModel
// (embedding of size H, the stack, the decoder) with TokenGenerator and
// TokenSampler, each sampled token fed back.
//
// Output: the median time of --repeats iterations after --warmup, tokens/s
// (T*B per iteration), GFLOP/s and the peak resident memory, as one JSON line
// with the same keys as bench/compare_pytorch.py and bench/onednn_anchor.
// FLOPs: forward = 2*T*B*G*H*(I_l+H) per layer and direction (+ 2*T*B*D*H*V
// for a head); a training step counts 3x that; generate counts one forward
// step of the stack and the head per token.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "recur/gemm.h"
#include "recur/language_model.h"
#include "recur/linear.h"
#include "recur/loss.h"
#include "recur/recurrent.h"
#include "recur/sampling.h"
#include "recur/token_generator.h"
#include "subcommand.h"
#include "threads_flag.h"

namespace recur::cli {
namespace {

struct BenchFlags {
  std::string cell = "lstm";
  std::string gru_reset = "after";
  int64_t input = 0;  // 0: same as hidden
  int64_t hidden = 512;
  int64_t layers = 2;
  int64_t batch = 0;  // 0: 64 in train mode, 1 in generate mode
  int64_t seq = 100;
  bool bidirectional = false;
  int threads = 0;
  std::string mode = "train";
  int64_t vocab = 0;
  double dropout = 0.0;
  bool variable_lengths = false;
  int64_t distinct_lengths = 2;
  bool random_lengths = false;
  int warmup = 2;
  int repeats = 10;
  bool json = false;
  uint64_t seed = 1;
};

void validate(BenchFlags& f) {
  auto positive = [](const char* flag, int64_t v, int64_t max) {
    if (v < 1 || v > max)
      throw UsageError(fmt::format("--{} must be in [1, {}], got {}", flag, max, v));
  };
  try {
    parse_cell(f.cell);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--cell: ") + e.what());
  }
  try {
    parse_gru_reset(f.gru_reset);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--gru-reset: ") + e.what());
  }
  if (f.mode != "train" && f.mode != "generate")
    throw UsageError("--mode must be train or generate, got '" + f.mode + "'");
  if (f.input == 0) f.input = f.hidden;
  if (f.mode == "generate" && f.batch > 1)
    throw UsageError(fmt::format("--mode generate runs at batch 1, got --batch {}", f.batch));
  if (f.batch == 0) f.batch = f.mode == "train" ? 64 : 1;
  positive("hidden", f.hidden, 1 << 16);
  positive("input", f.input, 1 << 20);
  positive("layers", f.layers, 64);
  positive("batch", f.batch, 1 << 16);
  positive("seq", f.seq, 1 << 20);
  if (f.vocab < 0 || f.vocab > (1 << 24)) throw UsageError(fmt::format("--vocab must be in [0, 2^24], got {}", f.vocab));
  if (f.warmup < 0 || f.warmup > 100000) throw UsageError(fmt::format("--warmup must be in [0, 100000], got {}", f.warmup));
  if (f.repeats < 1 || f.repeats > 100000) throw UsageError(fmt::format("--repeats must be in [1, 100000], got {}", f.repeats));
  if (!(f.dropout >= 0 && f.dropout < 1)) throw UsageError(fmt::format("--dropout must be in [0, 1), got {}", f.dropout));
  if (f.mode == "generate") {
    if (f.vocab < 2) throw UsageError("--mode generate needs --vocab of at least 2");
    if (f.bidirectional) throw UsageError("--mode generate cannot be --bidirectional (generation runs forward)");
    if (f.variable_lengths || f.random_lengths)
      throw UsageError("--variable-lengths and --random-lengths apply to --mode train only");
  }
  if (f.variable_lengths && f.random_lengths)
    throw UsageError("--variable-lengths and --random-lengths are alternatives: give one");
  if (f.variable_lengths && (f.distinct_lengths < 2 || f.distinct_lengths > std::min(f.batch, f.seq)))
    throw UsageError(fmt::format("--distinct-lengths must be in [2, min(--batch, --seq)] = [2, {}], got {}",
                                 std::min(f.batch, f.seq), f.distinct_lengths));
  // With 64-bit sizes nothing overflows, but a typo can ask for terabytes.
  const double elements = double(f.seq) * f.batch * std::max(f.input, f.hidden) * 4.0 * (f.bidirectional ? 2 : 1);
  if (elements * f.layers * 4 * 3 > 64e9)
    throw UsageError("the configuration needs more than 64 GB of activations; reduce --seq, --batch or --hidden");
}

double peak_rss_mb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // kilobytes on Linux
}

// The resident set now (VmRSS): called before the benchmark allocates
// anything, it is the program and its libraries, the baseline that the peak is
// read against (as bench/compare_pytorch.py does after `import torch`).
double current_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0.0;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

RecurrentOptions stack_options(const BenchFlags& f) {
  return {.cell = parse_cell(f.cell),
          .input_size = f.input,
          .hidden_size = f.hidden,
          .num_layers = f.layers,
          .bidirectional = f.bidirectional,
          .dropout = f.dropout,
          .gru_reset = parse_gru_reset(f.gru_reset)};
}

// Forward FLOPs of the stack (and head) over `tokens` tokens: a third of the
// training step's that the engine choice weighs, for every layer and direction.
double forward_flops(const BenchFlags& f, double tokens) {
  const double D = f.bidirectional ? 2 : 1, H = double(f.hidden);
  const double stack = step_flops_per_token(stack_options(f)) / 3.0 * double(f.layers) * D;
  return (stack + 2.0 * D * H * double(f.vocab)) * tokens;
}

// One training step of the stack (+ head), as a closure over its own state.
struct TrainBench {
  Rng rng;
  Recurrent<float> rnn;
  std::unique_ptr<Linear<float>> head;
  Tensor<float> input, output, upstream, grad_input, logits, grad_logits, grad_hidden;
  RecurrentState<float> initial, final, grad_final, grad_initial;
  std::vector<int64_t> targets, lengths;
  ParameterList<float> params;
  int64_t seq;
  bool random_lengths;

  explicit TrainBench(const BenchFlags& f)
      : rng(f.seed),
        rnn(stack_options(f), rng),
        input({f.seq, f.batch, f.input}),
        seq(f.seq),
        random_lengths(f.random_lengths) {
    const int64_t D = f.bidirectional ? 2 : 1;
    for (float& v : input.values()) v = float(rng.uniform(-1, 1));
    params = rnn.parameters();
    if (f.vocab > 0) {
      head = std::make_unique<Linear<float>>(D * f.hidden, f.vocab, rng);
      for (auto* p : head->parameters()) params.push_back(p);
      targets.resize(f.seq * f.batch);
      for (int64_t& t : targets) t = int64_t(rng.below(uint64_t(f.vocab)));
    } else {
      upstream.resize({f.seq, f.batch, D * f.hidden});
      for (float& v : upstream.values()) v = float(rng.uniform(-1, 1));
    }
    // Lengths seq, seq-1, ..., seq-N+1 in turn: the packed-sequence path on a
    // nearly dense shape, so that its cost is what is measured.
    if (f.variable_lengths)
      for (int64_t b = 0; b < f.batch; ++b) lengths.push_back(f.seq - b % f.distinct_lengths);
    // Or drawn anew for every batch, as bucket-less real data comes.
    if (random_lengths) lengths.assign(f.batch, f.seq);
  }

  void step() {
    if (random_lengths)
      for (int64_t& len : lengths) len = seq - int64_t(rng.below(uint64_t(seq - seq / 2 + 1)));
    zero_grad(params);
    rnn.forward(input, initial, lengths, output, final, true, &rng);
    if (head) {
      const Shape shape = output.shape();
      output.reshape({shape[0] * shape[1], shape[2]});
      head->forward(output, logits);
      softmax_cross_entropy<float>(logits, targets, &grad_logits);
      head->backward(grad_logits, grad_hidden);
      grad_hidden.reshape(shape);
      output.reshape(shape);
      rnn.backward(grad_hidden, grad_final, grad_input, grad_initial);
    } else {
      rnn.backward(upstream, grad_final, grad_input, grad_initial);
    }
  }
};

// Batch-1 generation of --seq tokens, sampling each and feeding it back.
struct GenerateBench {
  Rng rng;
  LanguageModel model;
  TokenSampler sampler{SamplingOptions{}};
  int64_t steps;

  explicit GenerateBench(const BenchFlags& f)
      : rng(f.seed),
        model(LanguageModelConfig{.cell = parse_cell(f.cell),
                                  .gru_reset = parse_gru_reset(f.gru_reset),
                                  .vocab_size = f.vocab,
                                  .embedding_size = f.input,
                                  .hidden_size = f.hidden,
                                  .num_layers = f.layers,
                                  .dropout = f.dropout},
              rng),
        steps(f.seq) {}

  void run() {
    TokenGenerator generator(model);  // includes the one-off [V, G*H] input table
    int64_t token = 0;
    for (int64_t s = 0; s < steps; ++s) token = sampler.sample(generator.feed(token), rng);
    if (token < 0) std::abort();  // keep the loop observable
  }
};

int run_bench(BenchFlags f) {
  validate(f);
  const double baseline_rss = current_rss_mb();
  apply_threads(f.threads);
  std::function<void()> iteration;
  std::unique_ptr<TrainBench> train;
  std::unique_ptr<GenerateBench> generate;
  const bool generating = f.mode == "generate";
  if (generating) {
    generate = std::make_unique<GenerateBench>(f);
    iteration = [&] { generate->run(); };
  } else {
    train = std::make_unique<TrainBench>(f);
    iteration = [&] { train->step(); };
  }

  for (int i = 0; i < f.warmup; ++i) iteration();
  std::vector<double> ms;
  const double cpu0 = cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  for (int i = 0; i < f.repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    iteration();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const double cpu_per_wall = (cpu_seconds() - cpu0) / wall;
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  const double median = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  const double tokens = double(f.seq) * double(f.batch);
  const double tokens_per_s = tokens / (median / 1e3);
  const double flops = forward_flops(f, tokens) * (generating ? 1.0 : 3.0);
  const double gflops = flops / (median / 1e3) / 1e9;
  const double rss = peak_rss_mb();
  const int threads = num_threads();
  // Generation steps the stack one token at a time (recurrent_stepper), never oneDNN.
  const std::string engine = generating ? "recur" : std::string(train->rnn.engine());

  if (f.json) {
    fmt::print(
        "{{\"impl\":\"recur\",\"cell\":\"{}\",\"hidden\":{},\"input\":{},\"layers\":{},\"batch\":{},\"seq\":{},"
        "\"bidirectional\":{},\"threads\":{},\"mode\":\"{}\",\"vocab\":{},\"median_ms\":{:.3f},"
        "\"tokens_per_s\":{:.1f},\"gflops\":{:.2f},\"peak_rss_mb\":{:.1f},\"cpu_per_wall\":{:.2f},"
        "\"baseline_rss_mb\":{:.1f},\"peak_rss_delta_mb\":{:.1f},\"engine\":\"{}\"}}\n",
        f.cell, f.hidden, f.input, f.layers, f.batch, f.seq, f.bidirectional ? "true" : "false", threads, f.mode,
        f.vocab, median, tokens_per_s, gflops, rss, cpu_per_wall, baseline_rss, rss - baseline_rss, engine);
  } else {
    fmt::print(
        "recur {} {} H={} I={} L={}{} B={} T={} V={} threads={}: median {:.2f} ms/iter "
        "(min {:.2f}, max {:.2f}), {:.0f} tok/s, {:.1f} GFLOP/s, peak RSS {:.1f} MB (delta {:.1f}), cpu/wall {:.2f} "
        "({} repeats, engine {})\n",
        f.cell, f.mode, f.hidden, f.input, f.layers, f.bidirectional ? " bi" : "", f.batch, f.seq, f.vocab, threads,
        median, ms.front(), ms.back(), tokens_per_s, gflops, rss, rss - baseline_rss, cpu_per_wall, f.repeats, engine);
  }
  std::fflush(stdout);
  return 0;
}

const bool bench_registered = register_subcommand(
    "bench", "Time recur on one configuration (training step or batch-1 generation)", [](CLI::App& app) {
      auto f = std::make_shared<BenchFlags>();
      app.add_option("--cell", f->cell, "Recurrent cell: " + known_cell_names())->capture_default_str();
      app.add_option("--gru-reset", f->gru_reset, "GRU reset: after (PyTorch) | before (Cho et al. 2014)")
          ->capture_default_str();
      app.add_option("--input", f->input, "Input size (0: same as --hidden)")->capture_default_str();
      app.add_option("--hidden", f->hidden, "Hidden units per layer and direction")->capture_default_str();
      app.add_option("--layers", f->layers, "Recurrent layers")->capture_default_str();
      app.add_option("--batch", f->batch, "Batch size (0: 64 in train mode; generate runs at 1)")->capture_default_str();
      app.add_option("--seq", f->seq, "Time steps (train) or generated tokens (generate)")->capture_default_str();
      app.add_flag("--bidirectional", f->bidirectional, "Bidirectional stack");
      add_threads_flag(app, f->threads);
      app.add_option("--mode", f->mode, "train | generate")->capture_default_str();
      app.add_option("--vocab", f->vocab, "Softmax head over this many classes (0: none; generate needs one)")
          ->capture_default_str();
      app.add_option("--dropout", f->dropout, "Dropout between layers (train mode)")->capture_default_str();
      app.add_flag("--variable-lengths", f->variable_lengths,
                   "Pass per-sequence lengths (seq, seq-1, ... in turn): the packed-sequence path");
      app.add_flag("--random-lengths", f->random_lengths,
                   "Draw every sequence's length anew each iteration, uniformly in [seq/2, seq]");
      app.add_option("--distinct-lengths", f->distinct_lengths,
                     "With --variable-lengths: how many different lengths (one step apart)")
          ->capture_default_str();
      app.add_option("--warmup", f->warmup, "Untimed iterations first")->capture_default_str();
      app.add_option("--repeats", f->repeats, "Timed iterations (the median is reported)")->capture_default_str();
      app.add_option("--seed", f->seed, "Random seed for weights and data")->capture_default_str();
      app.add_flag("--json", f->json, "One machine-readable JSON line");
      return [f] { return run_bench(*f); };
    });

}  // namespace
}  // namespace recur::cli
