#include "generation_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "model_loading.h"
#include "recur/generation_task.h"
#include "recur/run_folder.h"
#include "threads_flag.h"
#include "training_command.h"

namespace recur::cli {
namespace {

bool text_source(GenerationSource s) { return s == GenerationSource::Text; }
std::string task_name(GenerationSource s) { return text_source(s) ? kSeq2seqTask : kCaptionTask; }
std::string task_description(GenerationSource s) {
  return text_source(s) ? "a seq2seq (encoder-decoder) model" : "a caption model";
}

template <typename Parsed, typename Parse>
Parsed parse_flag(const std::string& flag, const std::string& value, Parse parse) {
  try {
    return parse(value);
  } catch (const std::invalid_argument& e) {
    throw UsageError(flag + ": " + e.what());
  }
}

// ---- train ----

struct GenerationTrainFlags {
  std::string data, dev;
  std::string source_tokens = "char", target_tokens = "char";
  int64_t min_count = 1, batch = 32, max_length = 100;
  bool no_normalise = false;
  int64_t embedding = 64, hidden = 256, layers = 1;
  std::string cell = "lstm", conditioning = "initial", attention = "none";
  bool bidirectional = false;
  double dropout = 0.2;
};

void add_train_flags(CLI::App& app, GenerationTrainFlags& f, GenerationSource source) {
  const char* data = "Data";
  app.add_option("--data", f.data,
                 text_source(source) ? "Training file: source<TAB>target lines"
                                     : "Training file: JSONL lines {\"vector\": [...], \"text\": \"...\"}")
      ->group(data);
  app.add_option("--dev", f.dev, "Dev file, same format: model selection (best.safetensors) and early stopping")
      ->group(data);
  if (text_source(source)) {
    app.add_option("--source-tokens", f.source_tokens, "Source tokens: char | word")->capture_default_str()->group(data);
    app.add_option("--target-tokens", f.target_tokens, "Target tokens: char | word")->capture_default_str()->group(data);
  } else {
    f.target_tokens = "word";
    app.add_option("--tokens", f.target_tokens, "Caption tokens: char | word")->capture_default_str()->group(data);
    app.add_flag("--no-normalise", f.no_normalise,
                 "Feed the vectors as they are (default: standardised with the training mean and deviation)")
        ->group(data);
  }
  app.add_option("--min-count", f.min_count, "Keep tokens seen at least this often; rarer ones are <unk>")
      ->capture_default_str()->group(data);
  app.add_option("--batch", f.batch, "Pairs per batch (bucketed by target length)")->capture_default_str()->group(data);
  app.add_option("--max-length", f.max_length, "Longest output of the greedy decoding at each validation")
      ->capture_default_str()->group(data);
  const char* model = "Model";
  app.add_option("--embedding", f.embedding, "Token embedding size (source and target)")
      ->capture_default_str()->group(model);
  app.add_option("--cell", f.cell, "rnn_tanh | rnn_relu | lstm | gru")->capture_default_str()->group(model);
  app.add_option("--layers", f.layers, "Recurrent layers (encoder and decoder)")->capture_default_str()->group(model);
  app.add_option("--hidden", f.hidden, "Hidden units per layer (and direction)")->capture_default_str()->group(model);
  app.add_option("--conditioning", f.conditioning,
                 "How the decoder sees the vector: initial (its initial state) | every-step (each step's input) | both")
      ->capture_default_str()->group(model);
  if (text_source(source)) {
    app.add_flag("--bidirectional", f.bidirectional, "Bidirectional encoder (final states joined and projected)")
        ->group(model);
    app.add_option("--attention", f.attention, "Attention over the encoder outputs: none | additive | dot")
        ->capture_default_str()->group(model);
  }
  app.add_option("--dropout", f.dropout, "Dropout on the source embedding, between layers and before the output")
      ->capture_default_str()->group(model);
}

// Checked before the data is read, so that a typo costs nothing.
GenerationModelOptions model_options(const GenerationTrainFlags& f, GenerationSource source) {
  if (f.data.empty()) throw UsageError("--data is required (the training file), unless you --resume a run");
  if (f.min_count < 1) throw UsageError("--min-count must be >= 1");
  if (f.batch < 1) throw UsageError("--batch must be >= 1");
  if (f.max_length < 1) throw UsageError("--max-length must be >= 1");
  GenerationModelOptions o;
  o.source_unit = parse_flag<TokenUnit>("--source-tokens", f.source_tokens, parse_token_unit);
  o.target_unit = parse_flag<TokenUnit>(text_source(source) ? "--target-tokens" : "--tokens", f.target_tokens,
                                        parse_token_unit);
  o.min_count = f.min_count;
  o.normalise = !f.no_normalise;
  const CellKind cell = parse_flag<CellKind>("--cell", f.cell, parse_cell);
  ConditionedDecoderConfig& d = o.config.decoder;
  d.embedding = f.embedding;
  d.cell = cell;
  d.hidden_size = f.hidden;
  d.num_layers = f.layers;
  d.dropout = f.dropout;
  d.conditioning = parse_conditioning(f.conditioning);
  d.attention = parse_attention(f.attention);
  if (text_source(source))
    o.config.encoder = EncoderConfig{.embedding = f.embedding, .cell = cell, .hidden_size = f.hidden,
                                     .num_layers = f.layers, .bidirectional = f.bidirectional, .dropout = f.dropout};
  // Sizes checked with stand-in vocabularies, before any file is read.
  EncoderDecoderConfig probe = o.config;
  probe.decoder.vocab_size = 4;
  if (probe.encoder) {
    probe.encoder->vocab_size = 4;
    probe.decoder.condition_size = probe.encoder->output_size();
    if (probe.decoder.attention != AttentionKind::None) probe.decoder.memory_size = probe.encoder->output_size();
  } else {
    probe.decoder.condition_size = 1;
  }
  probe.validate();
  return o;
}

std::unique_ptr<TrainingTask> task_from_flags(const GenerationTrainFlags& f, const TrainingFlags& training,
                                              GenerationSource source) {
  GenerationModelOptions options = model_options(f, source);
  options.config.init = recurrent_init(training);
  GenerationDataRecord record{.train = f.data, .dev = f.dev, .batch = f.batch, .seed = training.seed,
                              .max_length = f.max_length};
  Rng init_rng(training.seed);
  GenerationModel model;
  std::optional<PairedText> train_text;
  std::optional<CaptionData> train_captions;
  if (text_source(source)) {
    train_text = read_paired_text(f.data, {options.source_unit, options.target_unit, true});
    model = GenerationModel::build_seq2seq(*train_text, options, init_rng);
  } else {
    train_captions = read_caption_jsonl(f.data, {.texts_required = true});
    model = GenerationModel::build_caption(*train_captions, options, init_rng);
  }
  GenerationData train = train_text ? model.encode(*train_text) : model.encode(*train_captions);
  std::optional<GenerationData> dev;
  if (!f.dev.empty()) dev = read_generation_data(model, f.dev, true);
  std::cerr << fmt::format("train: {} examples; target vocabulary {} tokens", train.size(),
                           model.target_vocabulary.size());
  if (text_source(source)) std::cerr << fmt::format("; source vocabulary {} tokens", model.source_vocabulary.size());
  if (dev) std::cerr << fmt::format("; dev: {} examples", dev->size());
  std::cerr << "\n";
  return std::make_unique<GenerationTask>(std::move(model), std::move(train), std::move(dev), record);
}

SubcommandRun setup_train(CLI::App& app, GenerationSource source) {
  auto flags = std::make_shared<GenerationTrainFlags>();
  auto training = std::make_shared<TrainingFlags>();
  training->run = "runs/" + task_name(source);
  training->eval_every = 500;
  training->lr = 1e-3;
  add_train_flags(app, *flags, source);
  add_training_flags(app, *training);
  for (const auto& [option, flag] : {std::pair{"hidden_size", "--hidden"}, {"num_layers", "--layers"}})
    name_flag(option, flag);
  return [flags, training, source, &app] {
    return run_training_command(*training, app, TaskFactory{
        .task = task_name(source),
        .description = task_description(source),
        .from_flags = [=] { return task_from_flags(*flags, *training, source); },
        .from_checkpoint = [source](const Checkpoint& c) -> std::unique_ptr<TrainingTask> {
          return GenerationTask::from_checkpoint(c, task_name(source));
        },
        .validation_metrics = GenerationTask::metrics()});
  };
}

// ---- eval, translate / generate ----

struct DecodeFlags {
  std::string checkpoint;
  int64_t beam = 1, max_length = kDefaultDecodeMaxLength, batch = kDefaultDecodeBatch;
  double length_penalty = 0.0;
  bool json = false;
  int threads = 0;
};

void add_decode_flags(CLI::App& app, DecodeFlags& f) {
  add_checkpoint_argument(app, f.checkpoint);
  app.add_option("--beam", f.beam, "Beam width (1: greedy)")->capture_default_str();
  app.add_option("--length-penalty", f.length_penalty,
                 "Beam search ranks log p / ((5 + length) / 6)^alpha with this alpha (0: plain log p)")
      ->capture_default_str();
  app.add_option("--max-length", f.max_length, "Longest output in tokens (the end token counted)")
      ->capture_default_str();
  app.add_option("--batch", f.batch, "Inputs decoded at once")->capture_default_str();
  add_threads_flag(app, f.threads);
}

struct LoadedGenerator {
  std::filesystem::path path;
  GenerationModel model;
};

LoadedGenerator load_generator(const DecodeFlags& f, GenerationSource source) {
  apply_threads(f.threads);
  if (f.batch < 1) throw UsageError("--batch must be >= 1");
  LoadedGenerator loaded;
  loaded.path = find_checkpoint(f.checkpoint, CheckpointPick::BestElseLast);
  loaded.model = GenerationModel::from_checkpoint(load_checkpoint(loaded.path), task_name(source));
  return loaded;
}

DecodingOptions decoding_options(const DecodeFlags& f, const GenerationModel& model) {
  DecodingOptions options = model.decoding_options(f.max_length, f.beam, f.length_penalty);
  options.validate();  // --beam 0 and the like, before any file is read
  return options;
}

// A source token the training data never had is decoded as <unk>: said once, not an error.
void report_unknown(const GenerationData& data) {
  if (data.unknown_source_tokens > 0)
    std::cerr << fmt::format("recur: {}: {} source token{} unseen in training, read as <unk>\n", data.file,
                             data.unknown_source_tokens, data.unknown_source_tokens == 1 ? "" : "s");
}

SubcommandRun setup_eval(CLI::App& app, GenerationSource source) {
  auto f = std::make_shared<DecodeFlags>();
  auto data = std::make_shared<std::string>();
  add_decode_flags(app, *f);
  app.add_option("--data", *data, "Labelled file to evaluate on ('-': standard input)")->required();
  app.add_flag("--json", f->json, "One JSON object: exact_match, token_error_rate, token_accuracy, bleu (fractions)");
  return [f, data, source] {
    LoadedGenerator loaded = load_generator(*f, source);
    const DecodingOptions options = decoding_options(*f, loaded.model);
    const GenerationData examples = read_generation_data(loaded.model, *data, true);
    report_unknown(examples);
    const GenerationScores scores = score_generation(loaded.model, examples, options, f->batch);
    if (f->json) {
      nlohmann::json j = scores.to_json();
      j["checkpoint"] = loaded.path.string();
      j["data"] = examples.file;
      j["beam"] = f->beam;
      std::cout << j.dump() << "\n";
      return 0;
    }
    std::cout << fmt::format("{}: {} examples\n", examples.file, scores.outputs());
    std::cout << fmt::format("exact_match       {:.4f} ({}/{})\n", scores.exact_match(), scores.exact(), scores.outputs());
    std::cout << fmt::format("token_error_rate  {:.4f} ({} edits / {} reference tokens)\n", scores.token_error_rate(),
                             scores.edits(), scores.reference_tokens());
    std::cout << fmt::format("token_accuracy    {:.4f}\n", scores.token_accuracy());
    if (loaded.model.target_unit == TokenUnit::Words) std::cout << fmt::format("bleu              {:.4f}\n", scores.bleu());
    return 0;
  };
}

SubcommandRun setup_decode(CLI::App& app, GenerationSource source) {
  auto f = std::make_shared<DecodeFlags>();
  auto files = std::make_shared<std::vector<std::string>>();
  auto sampling = std::make_shared<SamplingOptions>();
  auto sample = std::make_shared<bool>(false);
  auto seed = std::make_shared<uint64_t>(1);
  add_decode_flags(app, *f);
  app.add_option("files", *files, "Files to decode (standard input when none)");
  app.add_flag("--json", f->json, "One JSON object per line: the output, and every beam with its log-probability and score");
  app.add_flag("--sample", *sample, "Sample each token instead of decoding greedily (with --temperature, --top-k, --top-p)");
  app.add_option("-t,--temperature", sampling->temperature, "Sampling temperature")->capture_default_str();
  app.add_option("--top-k", sampling->top_k, "Sample among the k most likely tokens only (0: all)")->capture_default_str();
  app.add_option("--top-p", sampling->top_p, "Sample among the most likely tokens whose probability reaches p")
      ->capture_default_str();
  app.add_option("-s,--seed", *seed, "Random seed of --sample")->capture_default_str();
  return [f, files, source, sampling, sample, seed] {
    LoadedGenerator loaded = load_generator(*f, source);
    DecodingOptions options = decoding_options(*f, loaded.model);
    if (*sample) {
      options.sampling = *sampling;
      options.validate();
    }
    const std::vector<std::string> sources = files->empty() ? std::vector<std::string>{"-"} : *files;
    // Everything is read and checked before the first line is written.
    std::vector<GenerationData> inputs;
    for (const std::string& path : sources) {
      inputs.push_back(read_generation_data(loaded.model, path, false));
      report_unknown(inputs.back());
    }
    Rng rng(*seed);
    std::ostringstream out;
    for (const GenerationData& input : inputs) {
      const auto decoded = loaded.model.decode(input, options, f->batch, &rng);
      for (const std::vector<Hypothesis>& beams : decoded) {
        if (!f->json) {
          out << loaded.model.text(beams[0].tokens) << "\n";
          continue;
        }
        nlohmann::json all = nlohmann::json::array();
        for (const Hypothesis& h : beams)
          all.push_back({{"text", loaded.model.text(h.tokens)}, {"log_probability", h.log_probability},
                         {"score", h.score}, {"finished", h.finished}});
        out << nlohmann::json{{"text", loaded.model.text(beams[0].tokens)}, {"beams", all}}.dump() << "\n";
      }
    }
    std::cout << out.str();
    return 0;
  };
}

}  // namespace

SubcommandRun setup_generation_command(CLI::App& app, GenerationSource source) {
  const bool text = text_source(source);
  const std::string what = text ? "an encoder-decoder" : "a caption model";
  return add_actions(
      app, {{"train", "Train " + what, [source](CLI::App& a) { return setup_train(a, source); }},
            {"eval", "Decode a labelled file and score it against its references",
             [source](CLI::App& a) { return setup_eval(a, source); }},
            {text ? "translate" : "generate",
             text ? "Translate lines (files or standard input), one out per line in"
                  : "Caption vectors (JSONL files or standard input), one line each",
             [source](CLI::App& a) { return setup_decode(a, source); }}});
}

}  // namespace recur::cli
