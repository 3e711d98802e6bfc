// Memory tasks: synthetic sequences that test how far back a recurrent cell
// can remember, generated on the fly from a seed (no files) — what `recur
// memory` trains and evaluates (docs/memory.md).
//
//   echo    N symbols of an alphabet of S are fed one-hot; at the end the
//           model names the K-th (the lectures' "five numbers are fed and we
//           want the 2nd one"). steps N, input [N, B, S], one target per
//           sequence (the class of symbol K). Chance accuracy 1/S.
//   copy    Hochreiter & Schmidhuber 1997, in the setup of Arjovsky, Shah &
//           Bengio 2016: M symbols (1..S), L-1 blanks, a delimiter, M blanks;
//           the model outputs blanks until the delimiter and then the M
//           symbols again. steps M + L + M, inputs one-hot of width S + 2
//           (0 blank, 1..S symbols, S+1 delimiter), a target per step (0
//           blank, 1..S symbols). Accuracy counts the M recalled symbols.
//   adding  Hochreiter & Schmidhuber 1997, Le, Jaitly & Hinton 2015: L steps
//           of two inputs (a value uniform in [0, 1), a marker 0 or 1); two
//           steps are marked, one in the first half [0, L/2), one in the
//           second; the target is the sum of the two marked values.
//           Predicting 1 always gives MSE = Var(sum) = 1/6 = 0.167.
//
// Every batch comes from its own Rng, derived from (seed, stream, batch
// index), so that batch i of the training stream is the same whatever came
// before it (an exact resume needs only i) and the validation and test
// streams never share a sequence with training.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "recur/rng.h"
#include "recur/tensor.h"

namespace recur {

enum class MemoryTaskKind { Echo, Copy, Adding };

// "echo", "copy", "adding" and back; parse throws std::invalid_argument listing them.
std::string memory_task_name(MemoryTaskKind kind);
MemoryTaskKind parse_memory_task(const std::string& name);

struct MemoryTaskSpec {
  MemoryTaskKind kind = MemoryTaskKind::Echo;
  int64_t length = 5;   // echo: symbols fed (N); copy: the delay (L); adding: steps (L)
  int64_t recall = 1;   // echo: which symbol is asked for, 1-based (K)
  int64_t symbols = 8;  // echo, copy: alphabet size (S)
  int64_t items = 10;   // copy: symbols to copy (M)

  int64_t steps() const;        // time steps of one sequence
  int64_t input_width() const;  // features per step
  int64_t outputs() const;      // classes (echo, copy) or 1 (adding)
  bool per_step() const { return kind == MemoryTaskKind::Copy; }  // a target at every step
  bool regression() const { return kind == MemoryTaskKind::Adding; }
  // The number of targets one sequence is scored on: echo and adding 1, copy M.
  int64_t scored_per_sequence() const { return kind == MemoryTaskKind::Copy ? items : 1; }

  // Throws OptionError naming the option ("length", "recall", "symbols", "items").
  void validate() const;
  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming a missing or bad key.
  static MemoryTaskSpec from_json(const nlohmann::json& json);
};

// Which stream of sequences a batch comes from.
enum class MemoryStream : uint64_t { Train = 0, Validation = 1, Test = 2 };

// The generator of batch `index` of `stream`.
Rng memory_batch_rng(uint64_t seed, MemoryStream stream, uint64_t index);

struct MemoryBatch {
  Tensor<float> inputs;          // [T, B, input_width]
  std::vector<int64_t> classes;  // echo [B]; copy [T * B] time-major (t * B + b)
  Tensor<float> values;          // adding [B, 1]
};

// B sequences drawn from `rng`.
MemoryBatch generate_memory_batch(const MemoryTaskSpec& spec, int64_t batch, Rng& rng);

}  // namespace recur
