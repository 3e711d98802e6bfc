#include "recur/char_training_data.h"

#include <fmt/format.h>

#include <filesystem>

#include "recur/safetensors.h"

namespace recur {

namespace fs = std::filesystem;

CharDataRecord CharDataRecord::of(const TextCorpus& corpus, const std::vector<std::string>& paths,
                                  const SplitFractions& fractions, int64_t batch, int64_t seq) {
  CharDataRecord record;
  for (const std::string& p : paths) record.paths.push_back(fs::absolute(p).string());
  record.unit = corpus.unit();
  record.fractions = fractions;
  record.fingerprint = corpus.fingerprint();
  record.batch = batch;
  record.seq = seq;
  return record;
}

nlohmann::json CharDataRecord::to_json() const {
  nlohmann::json json = {{"paths", paths},
                         {"unit", text_unit_name(unit)},
                         {"validation_fraction", fractions.validation},
                         {"test_fraction", fractions.test},
                         {"batch", batch},
                         {"seq", seq}};
  if (fingerprint) json["fingerprint"] = fingerprint->to_json();
  return json;
}

CharDataRecord CharDataRecord::from_json(const nlohmann::json& json, const std::string& where) {
  CharDataRecord record;
  try {
    record.paths = json.at("paths").get<std::vector<std::string>>();
    record.unit = parse_text_unit(json.at("unit").get<std::string>());
    record.fractions.validation = json.at("validation_fraction").get<double>();
    record.fractions.test = json.at("test_fraction").get<double>();
    record.fractions.validate();
    // Evaluation needs no batching; a record without it is still a record of the text.
    record.batch = json.value("batch", int64_t{0});
    record.seq = json.value("seq", int64_t{0});
    if (json.contains("fingerprint")) record.fingerprint = TextFingerprint::from_json(json.at("fingerprint"));
  } catch (const std::exception& e) {
    throw FormatError(where + ": recur.training has a bad \"data\" record (" + e.what() + ")");
  }
  if (record.paths.empty()) throw FormatError(where + ": recur.training \"data\" lists no paths");
  return record;
}

TextCorpus read_recorded_text(const CharDataRecord& record, const std::string& where) {
  for (const std::string& path : record.paths)
    if (!fs::exists(path))
      throw std::invalid_argument(fmt::format("the training data of {} is gone: {} does not exist", where, path));
  return TextCorpus::read(std::vector<fs::path>(record.paths.begin(), record.paths.end()), record.unit);
}

std::string describe_text_change(const TextCorpus& corpus, const Vocabulary& vocabulary, const CharDataRecord& record) {
  if (!(Vocabulary::of_text(corpus.symbols(), corpus.unit()) == vocabulary)) return "its set of characters differs";
  if (record.fingerprint && !(corpus.fingerprint() == *record.fingerprint))
    return fmt::format("its bytes differ: now {}, then {}", corpus.fingerprint().describe(),
                       record.fingerprint->describe());
  return "";
}

CharCorpusSplit split_char_corpus(const TextCorpus& corpus, const Vocabulary& vocabulary,
                                  const CharDataRecord& record) {
  const std::vector<int64_t> ids = vocabulary.encode(corpus.symbols());
  DataSplit<int64_t> split = split_by_fraction<int64_t>(ids, record.fractions);
  return {std::move(split.train), std::move(split.validation), std::move(split.test), record.to_json()};
}

}  // namespace recur
