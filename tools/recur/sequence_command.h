// `recur classify` and `recur tag`: one command family for sequence
// classification (many-to-one) and tagging (many-to-many, aligned), each with
// train | eval | predict. The two differ only in their label scope and a few
// flags (--pooling and --bidirectional for classify; --column for tag), so
// they share this code; classify.cpp and tag.cpp register them.
#pragma once

#include "recur/sequence_examples.h"
#include "subcommand.h"

namespace recur::cli {

// Adds train, eval and predict to `app` ("classify" or "tag"); returns what runs.
SubcommandRun setup_sequence_command(CLI::App& app, LabelScope scope);

}  // namespace recur::cli
