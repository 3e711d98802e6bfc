#include "recur/sequence_labeler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "recur/length_bucket_batcher.h"
#include "recur/loss.h"
#include "recur/option_error.h"
#include "recur/word_vectors.h"

namespace recur {

std::string task_name(LabelScope scope) { return scope == LabelScope::PerSequence ? kClassifyTask : kTagTask; }

std::string task_description(LabelScope scope) {
  return scope == LabelScope::PerSequence ? "a sequence classifier" : "a sequence tagger";
}

namespace {

std::vector<std::string> all_labels(const SequenceExamples& examples) {
  std::vector<std::string> labels;
  for (const SequenceExample& e : examples.examples) labels.insert(labels.end(), e.labels.begin(), e.labels.end());
  return labels;
}

}  // namespace

SequenceLabeler SequenceLabeler::build(const SequenceExamples& train, const SequenceLabelerOptions& options, Rng& rng,
                                       int64_t* missing_vectors) {
  SequenceLabeler labeler;
  labeler.scope = train.scope;
  labeler.labels = LabelSet::of(all_labels(train));
  SequenceModelConfig config = options.model;
  config.classes = labeler.labels.size();
  if (config.classes < 2)
    throw std::invalid_argument(fmt::format("{}: the training data has {} distinct label{}; a classifier needs at least 2",
                                            train.file, config.classes, config.classes == 1 ? "" : "s"));
  std::optional<WordVectors> vectors;
  if (train.is_frames()) {
    if (!options.embeddings.empty()) throw OptionError("embeddings", "pre-trained word vectors need word input, not frames");
    if (options.char_encoder) throw OptionError("char_encoder", "a character encoder needs word input, not frames");
    config.input = SequenceInputConfig{.kind = InputKind::Frames, .frame_width = train.frames.width};
  } else {
    WordCounts counts;
    for (const SequenceExample& e : train.examples) counts.add(e.words);
    labeler.vocabulary = WordVocabulary::build(counts, options.vocabulary);
    config.input.kind = InputKind::Words;
    config.input.vocab_size = labeler.vocabulary.size();
    if (options.char_encoder) {
      labeler.characters = WordCharacters::build(counts, options.vocabulary.lowercase);
      config.input.char_vocab_size = labeler.characters->size();
    } else {
      config.input.char_vocab_size = 0;
    }
    if (!options.embeddings.empty()) {
      vectors = read_word_vectors(options.embeddings, labeler.vocabulary);
      config.input.word_embedding = vectors->dim;  // the file's dimension
    } else if (options.freeze_embeddings) {
      throw OptionError("freeze_embeddings", "freezing the embeddings needs pre-trained vectors (embeddings)");
    }
  }
  labeler.model = std::make_unique<SequenceModel<float>>(config, rng);
  if (vectors) {
    Parameter<float>& table = labeler.model->input().word_embedding();
    const int64_t dim = vectors->dim;
    for (int64_t id = 0; id < labeler.vocabulary.size(); ++id)
      if (vectors->found[static_cast<size_t>(id)])
        std::copy_n(vectors->vectors.data() + id * dim, dim, table.value.data() + id * dim);
    labeler.model->input().freeze_word_embedding(options.freeze_embeddings);
    if (missing_vectors) *missing_vectors = vectors->missing_count;
  }
  return labeler;
}

nlohmann::json SequenceLabeler::describe() const {
  nlohmann::json j = {{"task", task_name(scope)},
                      {"config", model->config().to_json()},
                      {"labels", labels.to_json()},
                      {"frozen_embedding", model->input().word_embedding_frozen()}};
  if (model->config().input.kind == InputKind::Words) j["vocabulary"] = vocabulary.to_json();
  if (characters) j["characters"] = characters->to_json();
  return j;
}

SequenceLabeler SequenceLabeler::from_checkpoint(const Checkpoint& checkpoint, LabelScope scope) {
  const std::string where = checkpoint.path.string();
  require_task(checkpoint, task_name(scope), task_description(scope));
  const nlohmann::json& d = checkpoint.model;
  SequenceLabeler labeler;
  labeler.scope = scope;
  SequenceModelConfig config;
  try {
    config = SequenceModelConfig::from_json(d.at("config"));
    labeler.labels = LabelSet::from_json(d.at("labels"));
    if (config.input.kind == InputKind::Words) labeler.vocabulary = WordVocabulary::from_json(d.at("vocabulary"));
    if (config.input.char_vocab_size > 0) labeler.characters = WordCharacters::from_json(d.at("characters"));
  } catch (const std::exception& e) {
    throw FormatError(where + ": recur.model does not describe " + task_description(scope) + ": " + e.what());
  }
  if (labeler.labels.size() != config.classes)
    throw FormatError(fmt::format("{}: {} labels but the model has {} classes", where, labeler.labels.size(),
                                  config.classes));
  if (config.input.kind == InputKind::Words && labeler.vocabulary.size() != config.input.vocab_size)
    throw FormatError(fmt::format("{}: vocabulary has {} words but the model expects {}", where,
                                  labeler.vocabulary.size(), config.input.vocab_size));
  if (labeler.characters && labeler.characters->size() != config.input.char_vocab_size)
    throw FormatError(fmt::format("{}: {} character ids but the model expects {}", where, labeler.characters->size(),
                                  config.input.char_vocab_size));
  const ParameterBudget budget = parameter_budget(checkpoint);
  Rng unused(0);  // every parameter is overwritten below
  labeler.model = std::make_unique<SequenceModel<float>>(config, unused);
  labeler.model->input().freeze_word_embedding(d.value("frozen_embedding", false));
  load_parameters(checkpoint, labeler.model->parameters());
  return labeler;
}

EncodedSequences SequenceLabeler::encode(const SequenceExamples& examples, UnknownLabels policy) const {
  const SequenceInputConfig& input = model->config().input;
  const bool frames = input.kind == InputKind::Frames;
  if (frames != examples.is_frames())
    throw std::invalid_argument(fmt::format("{}: the model reads {} but this file holds {}", examples.file,
                                            frames ? "frames (jsonl)" : "words", examples.is_frames() ? "frames" : "words"));
  if (frames && examples.frames.width != input.frame_width)
    throw std::invalid_argument(fmt::format("{}: frames of width {}, the model was trained on width {}", examples.file,
                                            examples.frames.width, input.frame_width));
  EncodedSequences encoded;
  encoded.lengths = examples.lengths();
  for (const SequenceExample& e : examples.examples) {
    if (!frames) encoded.word_ids.push_back(vocabulary.encode(e.words));
    std::vector<int64_t> targets;
    for (size_t i = 0; i < e.labels.size(); ++i)
      targets.push_back(e.labels[i].empty() ? kIgnoredTarget
                                            : labels.encode(e.labels[i], examples.file, e.lines[i], policy, &encoded.unknown));
    encoded.targets.push_back(std::move(targets));
  }
  return encoded;
}

SequenceBatch SequenceLabeler::batch(const SequenceExamples& examples, const EncodedSequences& encoded,
                                     std::span<const int64_t> rows) const {
  SequenceBatch b;
  b.layout = layout_batch(rows, encoded.lengths);
  if (examples.is_frames()) {
    pad_frames(b.layout, examples.frames, b.frames);
    return b;
  }
  b.word_ids = pad_ids(b.layout, encoded.word_ids, WordVocabulary::kPad);
  if (characters)
    b.chars = characters->batch(
        b.layout, [&](int64_t e) { return std::span<const std::string>(examples.examples[static_cast<size_t>(e)].words); },
        kMaxWordCharacters);
  return b;
}

std::vector<int64_t> SequenceLabeler::batch_targets(const BatchLayout& layout, const EncodedSequences& encoded) const {
  if (scope == LabelScope::PerStep) return pad_ids(layout, encoded.targets, kIgnoredTarget);
  std::vector<int64_t> targets(static_cast<size_t>(layout.batch));
  for (int64_t r = 0; r < layout.batch; ++r)
    targets[static_cast<size_t>(r)] = encoded.targets[static_cast<size_t>(layout.examples[r])].at(0);
  return targets;
}

std::vector<std::vector<float>> SequenceLabeler::predict(const SequenceExamples& examples,
                                                         const EncodedSequences& encoded, int64_t batch_size,
                                                         TaskLoss* loss) {
  const int64_t C = labels.size();
  std::vector<std::vector<float>> probabilities(examples.examples.size());
  for (const std::vector<int64_t>& rows : evaluation_batches(encoded.lengths, batch_size, /*sort_by_length=*/true)) {
    const SequenceBatch b = batch(examples, encoded, rows);
    const Tensor<float>& logits = model->forward(b, /*training=*/false, nullptr);
    if (loss) {
      const CrossEntropyResult<float> ce = softmax_cross_entropy<float>(logits, batch_targets(b.layout, encoded), nullptr);
      loss->sum += ce.sum_loss;
      loss->count += ce.count;
    }
    const int64_t B = b.layout.batch;
    for (int64_t r = 0; r < B; ++r) {
      const int64_t length = b.layout.lengths[r];
      const int64_t outputs = scope == LabelScope::PerStep ? length : 1;
      std::vector<float>& out = probabilities[static_cast<size_t>(b.layout.examples[r])];
      out.resize(static_cast<size_t>(outputs * C));
      for (int64_t t = 0; t < outputs; ++t) {
        const float* z = logits.data() + (scope == LabelScope::PerStep ? t * B + r : r) * C;
        float* p = out.data() + t * C;
        const float top = *std::max_element(z, z + C);
        double sum = 0;
        for (int64_t c = 0; c < C; ++c) sum += p[c] = std::exp(z[c] - top);
        for (int64_t c = 0; c < C; ++c) p[c] = static_cast<float>(p[c] / sum);
      }
    }
  }
  return probabilities;
}

}  // namespace recur
