// The integer that follows a flag, for the small standalone programs under
// bench/ (they link nothing of recur, so no CLI library either).
#pragma once

#include <cstdlib>
#include <string>

// argv[i] is the flag; advances i to its value. Calls usage(message), which
// does not return, when the value is missing, not an integer, or below minimum.
template <typename Usage>
long flag_value(int argc, char **argv, int &i, long minimum, Usage usage) {
  const std::string flag = argv[i];
  if (i + 1 >= argc) usage(("missing value after " + flag).c_str());
  char *end = nullptr;
  const long v = std::strtol(argv[++i], &end, 10);
  if (*end != '\0' || v < minimum) usage(("bad value for " + flag + ": " + argv[i]).c_str());
  return v;
}
