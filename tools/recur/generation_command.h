// recur seq2seq and recur caption: one command for both (the source is text
// or a vector; everything after is shared): train, eval and a decoding
// subcommand (`translate` / `generate`). See docs/cli.md.
#pragma once

#include "subcommand.h"

namespace recur::cli {

enum class GenerationSource { Text, Vector };  // seq2seq, caption

SubcommandRun setup_generation_command(CLI::App& app, GenerationSource source);

}  // namespace recur::cli
