// recur caption train|eval|generate: text generated from a vector (an image's
// features), JSONL lines {"vector": [...], "text": "..."}.
#include "generation_command.h"

namespace recur::cli {
namespace {
const bool caption_registered = register_subcommand(
    "caption", "Text from a vector (one-to-many): train, eval, generate",
    [](CLI::App& app) { return setup_generation_command(app, GenerationSource::Vector); });
}  // namespace
}  // namespace recur::cli
