// Seeing inside a character language model (`recur visualize`): record every
// unit over a text (activation_recording.h), correlate each unit with simple
// features of the text (text_features.h) to find interpretable ones, and draw
// one self-contained page: the text coloured by a chosen unit (Karpathy,
// Johnson & Fei-Fei 2016: -1 red, +1 blue), a unit picker that starts on the
// best unit of each feature, the model's top next characters under the
// cursor, and the gate-saturation scatter of each layer.
//
// A unit is a hidden unit h, or for an LSTM a cell c, of one layer: "L0 h 17",
// "L1 c 3" (layers and units from 0). Correlations are Pearson's r between the
// unit's value (h, or c itself) and the feature over every position; the page
// colours h, and tanh(c) for cells (as the paper shows them), stored as int8
// (1/127 steps) in an inline base64 blob: about 1.4 bytes per unit and
// character, so --max-chars bounds the page.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "recur/activation_recording.h"
#include "recur/char_model.h"
#include "recur/html_page.h"
#include "recur/text_features.h"

namespace recur {

struct UnitId {
  int64_t layer = 0;
  bool cell = false;  // the LSTM cell state c, else the hidden state h
  int64_t index = 0;
  std::string name() const;  // "L0 h 17", "L1 c 3"
};

struct UnitCorrelation {
  UnitId unit;
  double correlation = 0;
};

struct FeatureUnits {
  std::string feature;
  std::vector<UnitCorrelation> best;  // highest |r| first
  std::string note;                   // why `best` is empty ("constant over this text: ...")
};

// Pearson's r of x[i * stride] and y[i] over i < y.size(); NaN when either is constant.
double pearson(const float* x, int64_t stride, std::span<const double> y);

// The ids of `text` in the model's vocabulary. A symbol outside it throws
// InputError naming `source`, the line and column, the symbol and its index
// in the text (the first one; the message also counts the others).
std::vector<int64_t> encode_visualized_text(const Vocabulary& vocabulary, std::span<const char32_t> text,
                                            const std::string& source);

struct Visualization {
  std::vector<char32_t> text;
  std::vector<int64_t> tokens;
  ActivationRecording recording;
  std::vector<TextFeature> features;
  std::vector<FeatureUnits> best;  // one per feature, in the order of `features`
};

// Records the model over `text` and ranks the units: the `top` best of each feature.
Visualization visualize(CharModel& model, std::vector<char32_t> text, const std::string& source, int64_t top = 5);

// The page. `description` says which model and text it shows.
HtmlPage visualization_page(const CharModel& model, const Visualization& visualization, const std::string& title,
                            const std::string& description);

}  // namespace recur
