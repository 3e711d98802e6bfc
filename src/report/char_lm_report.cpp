#include "recur/char_lm_report.h"

#include <fmt/format.h>

#include "recur/char_model.h"
#include "recur/sampling.h"
#include "recur/token_generator.h"

namespace recur {
namespace {

// `length` symbols after a newline (or after a uniformly drawn first symbol
// when the vocabulary has no newline), as `recur sample` starts.
std::string sample_text(CharModel& model, double temperature, int64_t length, uint64_t seed) {
  SamplingOptions options;
  options.temperature = temperature;
  TokenSampler sampler(options);
  TokenGenerator generator(*model.model);
  Rng rng(seed);
  std::string text;
  std::span<const float> logits;
  if (model.vocabulary.contains(U'\n')) {
    logits = generator.feed(model.vocabulary.id(U'\n'));
  } else {
    const auto first = static_cast<int64_t>(rng.below(static_cast<uint64_t>(model.vocabulary.size())));
    model.vocabulary.append_text(first, text);
    logits = generator.feed(first);
  }
  for (int64_t i = 0; i < length; ++i) {
    const int64_t token = sampler.sample(logits, rng);
    model.vocabulary.append_text(token, text);
    logits = generator.feed(token);
  }
  return text;
}

}  // namespace

void char_lm_report_section(HtmlPage& page, const ReportContext& context) {
  CharModel model = CharModel::from_checkpoint(context.checkpoint);
  page.section("Samples");
  page.paragraph(fmt::format("{} characters from {} at each temperature, after a newline, seed {} (recur sample {} "
                             "--temperature T --length {} --seed {} gives the same text).",
                             context.options.sample_length, context.checkpoint.path.filename().string(),
                             context.options.seed, context.checkpoint.path.string(), context.options.sample_length,
                             context.options.seed));
  for (double temperature : context.options.temperatures) {
    page.paragraph(fmt::format("temperature {:g}", temperature));
    page.preformatted(sample_text(model, temperature, context.options.sample_length, context.options.seed));
  }
}

}  // namespace recur
