#include "recur/memory_tasks.h"

#include <fmt/format.h>

#include <stdexcept>

#include "recur/option_error.h"

namespace recur {

std::string memory_task_name(MemoryTaskKind kind) {
  switch (kind) {
    case MemoryTaskKind::Echo: return "echo";
    case MemoryTaskKind::Copy: return "copy";
    case MemoryTaskKind::Adding: return "adding";
  }
  return "?";
}

MemoryTaskKind parse_memory_task(const std::string& name) {
  for (MemoryTaskKind kind : {MemoryTaskKind::Echo, MemoryTaskKind::Copy, MemoryTaskKind::Adding})
    if (memory_task_name(kind) == name) return kind;
  throw std::invalid_argument("unknown memory task '" + name + "' (expected echo, copy or adding)");
}

int64_t MemoryTaskSpec::steps() const {
  return kind == MemoryTaskKind::Copy ? items + length + items : length;
}

int64_t MemoryTaskSpec::input_width() const {
  switch (kind) {
    case MemoryTaskKind::Echo: return symbols;
    case MemoryTaskKind::Copy: return symbols + 2;
    case MemoryTaskKind::Adding: return 2;
  }
  return 0;
}

int64_t MemoryTaskSpec::outputs() const {
  switch (kind) {
    case MemoryTaskKind::Echo: return symbols;
    case MemoryTaskKind::Copy: return symbols + 1;
    case MemoryTaskKind::Adding: return 1;
  }
  return 0;
}

void MemoryTaskSpec::validate() const {
  const int64_t min_length = kind == MemoryTaskKind::Adding ? 2 : 1;
  if (length < min_length)
    throw OptionError("length", fmt::format("the {} task needs a length >= {}, got {}", memory_task_name(kind),
                                            min_length, length));
  if (kind == MemoryTaskKind::Echo && (recall < 1 || recall > length))
    throw OptionError("recall", fmt::format("must be in [1, {}] (the length), got {}", length, recall));
  if (kind != MemoryTaskKind::Adding && symbols < 2)
    throw OptionError("symbols", fmt::format("the alphabet needs at least 2 symbols, got {}", symbols));
  if (kind == MemoryTaskKind::Copy && items < 1)
    throw OptionError("items", fmt::format("the copy task copies at least 1 symbol, got {}", items));
}

nlohmann::json MemoryTaskSpec::to_json() const {
  return {{"kind", memory_task_name(kind)},
          {"length", length},
          {"recall", recall},
          {"symbols", symbols},
          {"items", items}};
}

MemoryTaskSpec MemoryTaskSpec::from_json(const nlohmann::json& json) {
  MemoryTaskSpec spec;
  try {
    spec.kind = parse_memory_task(json.at("kind").get<std::string>());
    spec.length = json.at("length").get<int64_t>();
    spec.recall = json.at("recall").get<int64_t>();
    spec.symbols = json.at("symbols").get<int64_t>();
    spec.items = json.at("items").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("memory task description is incomplete: ") + e.what());
  }
  spec.validate();
  return spec;
}

namespace {
// SplitMix64's finaliser: neighbouring (seed, stream, index) give unrelated states.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

Rng memory_batch_rng(uint64_t seed, MemoryStream stream, uint64_t index) {
  return Rng(mix(mix(mix(seed) ^ static_cast<uint64_t>(stream)) ^ index));
}

MemoryBatch generate_memory_batch(const MemoryTaskSpec& spec, int64_t B, Rng& rng) {
  spec.validate();
  if (B < 1) throw std::invalid_argument("a memory batch needs at least 1 sequence");
  const int64_t T = spec.steps(), X = spec.input_width();
  MemoryBatch out;
  out.inputs.resize({T, B, X});
  out.inputs.zero();
  auto input = [&](int64_t t, int64_t b, int64_t feature) -> float& { return out.inputs[(t * B + b) * X + feature]; };
  const auto S = static_cast<uint64_t>(spec.symbols);
  switch (spec.kind) {
    case MemoryTaskKind::Echo:
      out.classes.resize(B);
      for (int64_t b = 0; b < B; ++b)
        for (int64_t t = 0; t < T; ++t) {
          const auto symbol = static_cast<int64_t>(rng.below(S));
          input(t, b, symbol) = 1.0f;
          if (t == spec.recall - 1) out.classes[b] = symbol;
        }
      break;
    case MemoryTaskKind::Copy: {
      const int64_t M = spec.items, delimiter = spec.symbols + 1, delimiter_step = M + spec.length - 1;
      out.classes.assign(T * B, 0);  // blank
      for (int64_t b = 0; b < B; ++b) {
        for (int64_t t = 0; t < T; ++t) input(t, b, 0) = 1.0f;  // blank, overwritten below
        for (int64_t i = 0; i < M; ++i) {
          const auto symbol = 1 + static_cast<int64_t>(rng.below(S));
          input(i, b, 0) = 0.0f;
          input(i, b, symbol) = 1.0f;
          out.classes[(M + spec.length + i) * B + b] = symbol;
        }
        input(delimiter_step, b, 0) = 0.0f;
        input(delimiter_step, b, delimiter) = 1.0f;
      }
      break;
    }
    case MemoryTaskKind::Adding: {
      out.values.resize({B, 1});
      const int64_t half = T / 2;
      for (int64_t b = 0; b < B; ++b) {
        for (int64_t t = 0; t < T; ++t) input(t, b, 0) = static_cast<float>(rng.uniform());
        const auto first = static_cast<int64_t>(rng.below(static_cast<uint64_t>(half)));
        const int64_t second = half + static_cast<int64_t>(rng.below(static_cast<uint64_t>(T - half)));
        input(first, b, 1) = 1.0f;
        input(second, b, 1) = 1.0f;
        out.values[b] = input(first, b, 0) + input(second, b, 0);
      }
      break;
    }
  }
  return out;
}

}  // namespace recur
