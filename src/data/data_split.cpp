#include "recur/data_split.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "recur/option_error.h"

namespace recur {

void SplitFractions::validate() const {
  const auto check = [](double fraction, const char* name, const char* option) {
    if (!(fraction >= 0.0 && fraction < 1.0))
      throw OptionError(option, fmt::format("{} fraction must be in [0, 1), got {}", name, fraction));
  };
  check(validation, "validation", "val_frac");
  check(test, "test", "test_frac");
  if (validation + test >= 1.0)
    throw OptionError(std::vector<std::string>{"val_frac", "test_frac"},
        fmt::format("validation + test fractions must leave something to train on, got {} + {}", validation, test));
}

SplitBoundaries split_boundaries(int64_t total, const SplitFractions& fractions) {
  fractions.validate();
  SplitBoundaries b;
  b.total = total;
  // Truncation, as Python's int(n * 0.9): the same boundary as nanoGPT.
  b.train_end = static_cast<int64_t>(std::floor(static_cast<double>(total) * (1.0 - fractions.validation - fractions.test)));
  b.validation_end = static_cast<int64_t>(std::floor(static_cast<double>(total) * (1.0 - fractions.test)));
  const auto require_nonempty = [&](int64_t size, const char* part) {
    if (size <= 0)
      throw std::invalid_argument(fmt::format("a sequence of {} symbols is too short to split: the {} part would be empty",
                                              total, part));
  };
  require_nonempty(b.train_end, "training");
  if (fractions.validation > 0) require_nonempty(b.validation_end - b.train_end, "validation");
  if (fractions.test > 0) require_nonempty(total - b.validation_end, "test");
  return b;
}

}  // namespace recur
