// Rng: the one random number generator (xoshiro256**), with a state small
// enough to save in a checkpoint so that a resumed run draws the same numbers.
#pragma once

#include <array>
#include <cstdint>

namespace recur {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0x5eed) { seed_with(seed); }
  void seed_with(uint64_t seed);

  uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform();
  // Uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  // Standard normal (Box-Muller; no cached second value, so the state is the whole story).
  double normal();
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n);

  using State = std::array<uint64_t, 4>;
  const State& state() const { return state_; }
  void set_state(const State& state) { state_ = state; }

 private:
  State state_{};
};

}  // namespace recur
