// recur seq2seq train|eval|translate: an encoder-decoder over TSV lines
// source<TAB>target (grapheme-to-phoneme, transliteration, translation).
#include "generation_command.h"

namespace recur::cli {
namespace {
const bool seq2seq_registered = register_subcommand(
    "seq2seq", "Encoder-decoder (many-to-many, unaligned): train, eval, translate",
    [](CLI::App& app) { return setup_generation_command(app, GenerationSource::Text); });
}  // namespace
}  // namespace recur::cli
