// recur sample CHECKPOINT: generates text from a character model, streaming it
// to stdout as it is produced.
//
// Generation is the batch-1 fast path (TokenGenerator): one character in, the
// next character's logits out, then TokenSampler applies temperature, top-k,
// top-p or greedy choice. With --prime the hidden state is first warmed on the
// prime, which is printed before the generated text. Without a prime the model
// is warmed on a single newline when the vocabulary has one (text "begins at
// the start of a line"; the newline is not printed); otherwise the first
// character is drawn uniformly from the vocabulary and printed, as char-rnn does.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "model_loading.h"
#include "recur/sampling.h"
#include "recur/token_generator.h"
#include "subcommand.h"
#include "threads_flag.h"

namespace recur::cli {
namespace {

struct SampleFlags {
  std::string checkpoint;
  int64_t length = 1000;
  SamplingOptions sampling;
  std::optional<std::string> prime;
  std::optional<uint64_t> seed;
  bool stats = false;
  int threads = 0;
};

// Writes generated text to stdout in small pieces: after every line and at
// least every kFlushEvery bytes, so a reader sees the text as it appears.
class StreamingOutput {
 public:
  static constexpr size_t kFlushEvery = 64;

  void write(std::string_view text) {
    buffer_ += text;
    if (buffer_.size() >= kFlushEvery || text.find('\n') != std::string_view::npos) flush();
  }
  void flush() {
    if (!buffer_.empty()) {
      std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
      ends_with_newline_ = buffer_.back() == '\n';
      written_ += buffer_.size();
      buffer_.clear();
    }
    std::fflush(stdout);
  }
  bool ends_with_newline() const { return written_ == 0 || ends_with_newline_; }

 private:
  std::string buffer_;
  size_t written_ = 0;
  bool ends_with_newline_ = false;
};

void validate(const SampleFlags& f) {
  if (f.length < 0) throw UsageError("--length must be >= 0, got " + std::to_string(f.length));
  f.sampling.validate();  // an OptionError, which main names by its flag
  if (f.prime && f.prime->empty()) throw UsageError("--prime is empty (leave it out to start from a newline)");
}

int run_sample(const SampleFlags& f) {
  validate(f);
  apply_threads(f.threads);
  LoadedCharModel loaded = load_char_model(f.checkpoint);
  const Vocabulary& vocabulary = loaded.model.vocabulary;

  std::vector<int64_t> prime_ids;
  if (f.prime) {
    try {
      prime_ids = vocabulary.encode_text(*f.prime);
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("--prime: {} (the model {} knows {} symbols)", e.what(), loaded.path.string(),
                                   vocabulary.size()));
    }
  }

  const uint64_t seed = f.seed ? *f.seed : (uint64_t(std::random_device{}()) << 32) ^ std::random_device{}();
  Rng rng(seed);
  TokenSampler sampler(f.sampling);
  TokenGenerator generator(*loaded.model.model);
  StreamingOutput out;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();

  std::span<const float> logits;
  int64_t remaining = f.length;
  if (f.prime) {
    out.write(*f.prime);
    for (int64_t id : prime_ids) logits = generator.feed(id);
  } else if (vocabulary.contains(U'\n')) {
    logits = generator.feed(vocabulary.id(U'\n'));
  } else if (remaining > 0) {
    // char-rnn: no prime, so the first character is uniform over the vocabulary.
    const auto first = static_cast<int64_t>(rng.below(static_cast<uint64_t>(vocabulary.size())));
    std::string text;
    vocabulary.append_text(first, text);
    out.write(text);
    logits = generator.feed(first);
    --remaining;
  }
  const auto primed = Clock::now();

  std::string text;
  for (int64_t i = 0; i < remaining; ++i) {
    const int64_t token = sampler.sample(logits, rng);
    text.clear();
    vocabulary.append_text(token, text);
    out.write(text);
    if (i + 1 < remaining) logits = generator.feed(token);
  }
  out.flush();
  const auto done = Clock::now();
  // A terminal prompt should not continue the last generated line.
  if (!out.ends_with_newline() && isatty(fileno(stdout))) {
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
  if (f.stats) {
    const double prime_seconds = std::chrono::duration<double>(primed - start).count();
    const double seconds = std::chrono::duration<double>(done - primed).count();
    std::fprintf(stderr, "%s\n",
                 fmt::format("sampled {} characters in {:.3f} s ({:.0f} characters/s); prime {} characters in "
                             "{:.3f} s; seed {}",
                             f.length, seconds, seconds > 0 ? double(remaining) / seconds : 0.0, prime_ids.size(),
                             prime_seconds, seed)
                     .c_str());
  }
  return 0;
}

const bool sample_registered = register_subcommand(
    "sample", "Generate text from a character-level language model", [](CLI::App& app) -> SubcommandRun {
      auto f = std::make_shared<SampleFlags>();
      add_checkpoint_argument(app, f->checkpoint);
      app.add_option("-n,--length", f->length, "Characters to generate (after the prime)")->capture_default_str();
      app.add_option("-t,--temperature", f->sampling.temperature,
                     "Softmax temperature: < 1 is more conservative, > 1 more random; 0 = greedy")
          ->capture_default_str();
      app.add_option("--top-k", f->sampling.top_k, "Sample among the k most likely characters only (0: all)")
          ->capture_default_str();
      app.add_option("--top-p", f->sampling.top_p,
                     "Nucleus sampling: among the fewest most likely characters whose probability reaches p")
          ->capture_default_str();
      app.add_flag("--greedy", f->sampling.greedy, "Always take the most likely character (same as --temperature 0)");
      app.add_option("-p,--prime", f->prime, "Text to warm the hidden state on; printed before the sample");
      app.add_option("-s,--seed", f->seed, "Random seed (default: a different one each run)");
      app.add_flag("--stats", f->stats, "Report the sampling speed and the seed on stderr");
      add_threads_flag(app, f->threads);
      return [f] { return run_sample(*f); };
    });

}  // namespace
}  // namespace recur::cli
