// Base64 (RFC 4648, with padding): how a page carries binary data inline — the
// hash of its script in the Content-Security-Policy, the quantised
// activations of `recur visualize` — where a browser decodes it with atob().
#pragma once

#include <string>
#include <string_view>

namespace recur {

std::string base64(std::string_view bytes);

}  // namespace recur
