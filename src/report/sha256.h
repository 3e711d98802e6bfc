// SHA-256 (FIPS 180-4) of a byte string: the hash a Content-Security-Policy
// names an inline script by ('sha256-<base64 of the digest>'), so that a page
// may run the one script it was built with and nothing else.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace recur {

std::array<uint8_t, 32> sha256(std::string_view bytes);

}  // namespace recur
