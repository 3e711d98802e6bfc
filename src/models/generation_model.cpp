#include "recur/generation_model.h"

#include <fmt/format.h>

#include <omp.h>

#include <algorithm>
#include <exception>
#include <map>

#include "recur/format_error.h"
#include "recur/gemm.h"
#include "recur/label_set.h"
#include "recur/length_bucket_batcher.h"

namespace recur {

std::vector<int64_t> GenerationData::source_lengths() const {
  std::vector<int64_t> lengths(static_cast<size_t>(size()), 1);
  for (size_t i = 0; i < sources.size(); ++i) lengths[i] = static_cast<int64_t>(sources[i].size());
  return lengths;
}

void GenerationData::keep_first(int64_t count) {
  if (count >= size()) return;
  const auto n = static_cast<size_t>(count);
  if (!sources.empty()) sources.resize(n);
  if (!vectors.empty()) vectors.resize(n);
  references.resize(n);
  lines.resize(n);
  unknown_source_tokens = 0;
  for (const auto& source : sources)
    unknown_source_tokens += std::count(source.begin(), source.end(), WordVocabulary::kUnknown);
}

std::vector<TargetRef> all_targets(const GenerationData& data) {
  std::vector<TargetRef> targets;
  for (int64_t e = 0; e < data.size(); ++e)
    for (size_t r = 0; r < data.references[static_cast<size_t>(e)].size(); ++r)
      targets.push_back({e, static_cast<int64_t>(r)});
  return targets;
}

namespace {

// The target side: its tokens, then the begin and end tokens, each counted
// often enough to be kept whatever min_count is.
WordVocabulary build_target_vocabulary(const std::vector<std::vector<std::string>>& targets, int64_t min_count) {
  WordCounts counts;
  for (const auto& t : targets) counts.add(t);
  for (int64_t i = 0; i < min_count; ++i) {
    counts.add(GenerationModel::kBegin);
    counts.add(GenerationModel::kEnd);
  }
  return WordVocabulary::build(counts, {.min_count = min_count});
}

}  // namespace

GenerationModel GenerationModel::build_seq2seq(const PairedText& train, GenerationModelOptions options, Rng& rng) {
  GenerationModel g;
  g.task = kSeq2seqTask;
  g.source_unit = options.source_unit;
  g.target_unit = options.target_unit;
  WordCounts sources;
  std::vector<std::vector<std::string>> targets;
  for (const TextPair& p : train.pairs) {
    sources.add(p.source);
    targets.push_back(p.target);
  }
  g.source_vocabulary = WordVocabulary::build(sources, {.min_count = options.min_count});
  g.target_vocabulary = build_target_vocabulary(targets, options.min_count);
  EncoderDecoderConfig& c = options.config;
  if (!c.encoder) c.encoder = EncoderConfig{};
  c.encoder->vocab_size = g.source_vocabulary.size();
  c.decoder.vocab_size = g.target_vocabulary.size();
  c.decoder.condition_size = c.encoder->output_size();
  c.decoder.memory_size = c.decoder.attention == AttentionKind::None ? 0 : c.encoder->output_size();
  g.model = std::make_unique<EncoderDecoder<float>>(c, rng);
  return g;
}

GenerationModel GenerationModel::build_caption(const CaptionData& train, GenerationModelOptions options, Rng& rng) {
  GenerationModel g;
  g.task = kCaptionTask;
  g.target_unit = options.target_unit;
  std::vector<std::vector<std::string>> targets;
  for (const CaptionExample& e : train.examples)
    for (const std::string& text : e.texts) targets.push_back(split_tokens(text, options.target_unit));
  g.target_vocabulary = build_target_vocabulary(targets, options.min_count);
  if (options.normalise) {
    std::vector<double> matrix;
    for (const CaptionExample& e : train.examples) matrix.insert(matrix.end(), e.vector.begin(), e.vector.end());
    std::vector<std::string> names;
    for (int64_t i = 0; i < train.width; ++i) names.push_back(std::to_string(i));
    g.scaler = Scaler::fit(ScaleKind::Standard, names, matrix, 0, static_cast<int64_t>(train.examples.size()));
  }
  EncoderDecoderConfig& c = options.config;
  c.encoder.reset();
  c.decoder.vocab_size = g.target_vocabulary.size();
  c.decoder.condition_size = train.width;
  c.decoder.memory_size = 0;
  g.model = std::make_unique<EncoderDecoder<float>>(c, rng);
  return g;
}

nlohmann::json GenerationModel::describe() const {
  nlohmann::json j = {{"task", task},
                      {"config", model->config().to_json()},
                      {"source_unit", token_unit_name(source_unit)},
                      {"target_unit", token_unit_name(target_unit)},
                      {"target_vocabulary", target_vocabulary.to_json()},
                      {"source_vocabulary", nullptr},
                      {"scaler", scaler ? scaler->to_json() : nlohmann::json()}};
  if (!vector_source()) j["source_vocabulary"] = source_vocabulary.to_json();
  return j;
}

GenerationModel GenerationModel::from_checkpoint(const Checkpoint& checkpoint, const std::string& task) {
  const std::string where = checkpoint.path.string();
  const std::string description = task == kCaptionTask ? "a caption model" : "a seq2seq (encoder-decoder) model";
  require_task(checkpoint, task, description);
  GenerationModel g;
  g.task = task;
  EncoderDecoderConfig config;
  try {
    const nlohmann::json& d = checkpoint.model;
    config = EncoderDecoderConfig::from_json(d.at("config"));
    g.source_unit = parse_token_unit(d.at("source_unit").get<std::string>());
    g.target_unit = parse_token_unit(d.at("target_unit").get<std::string>());
    g.target_vocabulary = WordVocabulary::from_json(d.at("target_vocabulary"));
    if (config.encoder) g.source_vocabulary = WordVocabulary::from_json(d.at("source_vocabulary"));
    if (!d.at("scaler").is_null()) g.scaler = Scaler::from_json(d.at("scaler"));
  } catch (const std::exception& e) {
    throw FormatError(where + ": recur.model does not describe " + description + ": " + e.what());
  }
  if (g.target_vocabulary.size() != config.decoder.vocab_size || !g.target_vocabulary.contains(kBegin) ||
      !g.target_vocabulary.contains(kEnd))
    throw FormatError(where + ": the target vocabulary does not fit the decoder");
  if (config.encoder && g.source_vocabulary.size() != config.encoder->vocab_size)
    throw FormatError(where + ": the source vocabulary does not fit the encoder");
  if (g.scaler && g.scaler->columns() != config.decoder.condition_size)
    throw FormatError(where + ": the normalisation does not fit the vector width");
  const ParameterBudget budget = parameter_budget(checkpoint);
  Rng unused(0);  // every parameter is overwritten
  g.model = std::make_unique<EncoderDecoder<float>>(config, unused);
  load_parameters(checkpoint, g.model->parameters());
  return g;
}

PairedTextOptions GenerationModel::text_options(bool targets_required) const {
  return {.source_unit = source_unit, .target_unit = target_unit, .targets_required = targets_required};
}

CaptionReadOptions GenerationModel::caption_options(bool texts_required) const {
  return {.texts_required = texts_required, .width = model->config().decoder.condition_size};
}

GenerationData GenerationModel::encode(const PairedText& text) const {
  if (vector_source()) throw std::invalid_argument(text.file + ": the model reads vectors, not text");
  GenerationData data;
  data.file = text.file;
  // Labelled lines with the same source are one example with several references
  // (a word's pronunciations); unlabelled lines stay one example each, in order.
  std::map<std::vector<std::string>, int64_t> example_of;
  for (const TextPair& p : text.pairs) {
    if (!p.target.empty()) {
      const auto [it, fresh] = example_of.emplace(p.source, data.size());
      if (!fresh) {
        data.references[static_cast<size_t>(it->second)].push_back(target_vocabulary.encode(p.target));
        continue;
      }
    }
    data.sources.push_back(source_vocabulary.encode(p.source));
    for (int64_t id : data.sources.back()) data.unknown_source_tokens += id == WordVocabulary::kUnknown;
    data.references.emplace_back();
    if (!p.target.empty()) data.references.back().push_back(target_vocabulary.encode(p.target));
    data.lines.push_back(p.line);
  }
  return data;
}

GenerationData GenerationModel::encode(const CaptionData& captions) const {
  if (!vector_source()) throw std::invalid_argument(captions.file + ": the model reads text, not vectors");
  GenerationData data;
  data.file = captions.file;
  for (const CaptionExample& e : captions.examples) {
    std::vector<double> v = e.vector;
    if (scaler) scaler->transform_rows(v, static_cast<int64_t>(v.size()));
    data.vectors.push_back(std::move(v));
    data.references.emplace_back();
    for (const std::string& text : e.texts)
      data.references.back().push_back(target_vocabulary.encode(split_tokens(text, target_unit)));
    data.lines.push_back(e.line);
  }
  return data;
}

namespace {

// Source side of rows whose examples are `examples`: ids [S, B] padded, or vectors [B, C].
void fill_sources(const GenerationData& data, std::span<const int64_t> examples, EncoderDecoderBatch& b) {
  const int64_t B = static_cast<int64_t>(examples.size());
  b.batch = B;
  if (!data.vectors.empty()) {
    const int64_t C = static_cast<int64_t>(data.vectors[0].size());
    b.source_vectors.resize({B, C});
    for (int64_t r = 0; r < B; ++r)
      std::copy(data.vectors[examples[r]].begin(), data.vectors[examples[r]].end(), b.source_vectors.data() + r * C);
    return;
  }
  int64_t S = 0;
  for (int64_t e : examples) S = std::max<int64_t>(S, static_cast<int64_t>(data.sources[e].size()));
  b.source_ids.assign(static_cast<size_t>(S * B), WordVocabulary::kPad);
  b.source_lengths.resize(static_cast<size_t>(B));
  for (int64_t r = 0; r < B; ++r) {
    const std::vector<int64_t>& s = data.sources[examples[r]];
    b.source_lengths[r] = static_cast<int64_t>(s.size());
    for (size_t t = 0; t < s.size(); ++t) b.source_ids[t * B + r] = s[t];
  }
}

}  // namespace

EncoderDecoderBatch GenerationModel::batch(const GenerationData& data, std::span<const TargetRef> rows) const {
  EncoderDecoderBatch b;
  std::vector<int64_t> examples;
  for (const TargetRef& row : rows) examples.push_back(row.example);
  fill_sources(data, examples, b);
  const int64_t B = b.batch;
  auto target = [&](int64_t r) -> const std::vector<int64_t>& {
    return data.references[rows[r].example][rows[r].reference];
  };
  int64_t T = 0;
  for (int64_t r = 0; r < B; ++r) T = std::max<int64_t>(T, static_cast<int64_t>(target(r).size()) + 1);
  b.target_inputs.assign(static_cast<size_t>(T * B), WordVocabulary::kPad);
  b.targets.assign(static_cast<size_t>(T * B), kIgnoredTarget);
  b.target_lengths.resize(static_cast<size_t>(B));
  for (int64_t r = 0; r < B; ++r) {
    const std::vector<int64_t>& y = target(r);
    const int64_t n = static_cast<int64_t>(y.size());
    b.target_lengths[r] = n + 1;
    b.target_inputs[r] = begin_token();
    for (int64_t t = 0; t < n; ++t) {
      b.target_inputs[(t + 1) * B + r] = y[t];
      b.targets[t * B + r] = y[t];
    }
    b.targets[n * B + r] = end_token();
  }
  return b;
}

std::vector<std::vector<Hypothesis>> GenerationModel::decode(const GenerationData& data, const DecodingOptions& options,
                                                             int64_t batch_size, Rng* rng) const {
  std::vector<std::vector<Hypothesis>> result(static_cast<size_t>(data.size()));
  const std::vector<std::vector<int64_t>> batches = evaluation_batches(data.source_lengths(), batch_size, true);
  auto decode_batch = [&](EncoderDecoder<float>& m, const std::vector<int64_t>& examples) {
    EncoderDecoderBatch b;
    fill_sources(data, examples, b);
    std::vector<std::vector<Hypothesis>> decoded = m.decode(b, begin_token(), end_token(), options, rng);
    for (size_t r = 0; r < examples.size(); ++r) result[examples[r]] = std::move(decoded[r]);
  };
  // Threads take whole batches, each on its own copy of the model (its own
  // workspaces), and run single-threaded inside: a decoding step's matrices
  // are too small to share among threads without waiting at every step. A
  // batch decodes the same way on any thread, so the output does not depend
  // on the thread count. Sampling stays on one thread: its draws come in order.
  const int threads = options.sampling ? 1 : static_cast<int>(std::min<size_t>(num_threads(), batches.size()));
  if (threads <= 1) {
    for (const std::vector<int64_t>& examples : batches) decode_batch(*model, examples);
    return result;
  }
  std::vector<std::unique_ptr<EncoderDecoder<float>>> replicas;
  for (int t = 1; t < threads; ++t) replicas.push_back(model->replica());
  std::exception_ptr failure;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    EncoderDecoder<float>& m = t == 0 ? *model : *replicas[static_cast<size_t>(t - 1)];
#pragma omp for schedule(dynamic, 1)
    for (size_t i = 0; i < batches.size(); ++i) {
      try {
        decode_batch(m, batches[i]);
      } catch (...) {
#pragma omp critical(recur_generation_decode)
        if (!failure) failure = std::current_exception();
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
  return result;
}

DecodingOptions GenerationModel::decoding_options(int64_t max_length, int64_t beam, double length_penalty) const {
  return {.max_length = max_length,
          .beam = beam,
          .length_penalty = length_penalty,
          .sampling = std::nullopt,
          .banned = {WordVocabulary::kPad, WordVocabulary::kUnknown, begin_token()}};
}

std::string GenerationModel::text(std::span<const int64_t> tokens) const {
  std::vector<std::string> words;
  for (int64_t id : tokens) words.push_back(target_vocabulary.word(id));
  return join_tokens(words, target_unit);
}

}  // namespace recur
