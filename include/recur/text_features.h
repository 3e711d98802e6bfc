// Simple features of a text at each character position, against which
// `recur visualize` correlates every unit of a model to find interpretable
// ones (Karpathy, Johnson & Fei-Fei 2016: quote, line-length and bracket
// cells). A feature's value at position t describes the text as read up to
// and including character t — what a model's state after reading t can know —
// except the distance to the line end, which looks ahead (a unit that tracks
// it has learned the typical line length).
//
//   inside quotes        1 while a double quote (" or “…”) is open after t, else 0
//   inside brackets      1 while a (, [ or { is open after t, else 0
//   bracket depth        how many (, [, { are open after t (a closer with none open is ignored)
//   position in line     characters since the last newline (0 on the newline itself)
//   distance to line end characters from t to the next newline (or the end of the text)
//   indentation          blanks (spaces, tabs) that begin the line holding t
//   after a newline      1 when t is a newline (the next character starts a line)
//   inside a word        1 when t is a letter, digit, '_' or any non-ASCII character
#pragma once

#include <span>
#include <string>
#include <vector>

namespace recur {

struct TextFeature {
  std::string name;
  std::vector<double> values;  // one per character
};

std::vector<TextFeature> text_features(std::span<const char32_t> text);

}  // namespace recur
