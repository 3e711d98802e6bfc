// recur classify train|eval|predict: a label for each sequence (sentiment of
// a sentence, the action in a sequence of frames). See sequence_command.h.
#include "sequence_command.h"

namespace recur::cli {
namespace {
const bool classify_registered = register_subcommand(
    "classify", "Sequence classification (many-to-one): train, eval, predict",
    [](CLI::App& app) { return setup_sequence_command(app, LabelScope::PerSequence); });
}  // namespace
}  // namespace recur::cli
