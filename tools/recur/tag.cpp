// recur tag train|eval|predict: a tag for each token or frame (part of speech,
// per-frame labels). See sequence_command.h.
#include "sequence_command.h"

namespace recur::cli {
namespace {
const bool tag_registered = register_subcommand(
    "tag", "Sequence tagging (many-to-many, aligned): train, eval, predict",
    [](CLI::App& app) { return setup_sequence_command(app, LabelScope::PerStep); });
}  // namespace
}  // namespace recur::cli
