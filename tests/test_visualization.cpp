// Finding interpretable units: Pearson's r against hand values, a model built
// by hand whose units track known features must have them found, the page's
// data must decode to the recorded activations, and a text outside the
// vocabulary is an error naming the first symbol and where it is.
#include "recur/visualization.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "recur/input_error.h"

namespace recur {
namespace {

std::vector<char32_t> u32(const std::u32string& text) { return {text.begin(), text.end()}; }

TEST(Visualization, PearsonAgainstHandValues) {
  const std::vector<float> x = {1, 2, 3, 4};
  EXPECT_NEAR(pearson(x.data(), 1, std::vector<double>{2, 4, 6, 8}), 1.0, 1e-12);
  EXPECT_NEAR(pearson(x.data(), 1, std::vector<double>{8, 6, 4, 2}), -1.0, 1e-12);
  // x = 1 2 3 4, y = 1 3 2 4: means 2.5; sxy = 2.25+(-0.25)+(-0.25)+2.25 = 4, sxx = syy = 5: r = 0.8
  EXPECT_NEAR(pearson(x.data(), 1, std::vector<double>{1, 3, 2, 4}), 0.8, 1e-12);
  // A stride picks a column: x[0], x[2].
  EXPECT_NEAR(pearson(x.data(), 2, std::vector<double>{0, 1}), 1.0, 1e-12);
  EXPECT_TRUE(std::isnan(pearson(x.data(), 1, std::vector<double>{5, 5, 5, 5})));
}

TEST(Visualization, OutOfVocabularyNamesTheFirstSymbolAndItsPlace) {
  const Vocabulary vocabulary = Vocabulary::of_text(u32(U"ab\n"), TextUnit::CodePoint);
  EXPECT_EQ(encode_visualized_text(vocabulary, u32(U"ba\n"), "t.txt"), (std::vector<int64_t>{2, 1, 0}));
  try {
    encode_visualized_text(vocabulary, u32(U"ab\nb\u00e9a!"), "t.txt");
    FAIL() << "no error";
  } catch (const InputError& e) {
    // é is character 5, on line 2 at byte column 2; '!' is the other one.
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 2);
    const std::string message = e.what();
    EXPECT_NE(message.find("t.txt:2:2: '\u00e9' (U+00E9), character 5 of the text"), std::string::npos) << message;
    EXPECT_NE(message.find("vocabulary of 3 symbols (2 characters of the text are not)"), std::string::npos) << message;
  }
}

// One layer of tanh units, one-hot input, no recurrence: unit 0 is
// tanh(3) on a newline, unit 1 tanh(3) on a letter, unit 2 always 0.
CharModel hand_made_model(const Vocabulary& vocabulary) {
  CharModel model;
  model.vocabulary = vocabulary;
  const int64_t V = vocabulary.size();
  Rng rng(1);
  model.model = std::make_unique<LanguageModel>(
      LanguageModelConfig{.cell = CellKind::RnnTanh, .vocab_size = V, .hidden_size = 3, .num_layers = 1}, rng);
  for (Parameter<float>* p : model.model->parameters()) p->value.zero();
  Tensor<float>& w = model.model->recurrent().parameter("weight_ih_l0").value;  // [3, V]
  for (int64_t v = 0; v < V; ++v) {
    const char32_t c = vocabulary.symbol(v);
    if (c == U'\n') w[0 * V + v] = 3;
    if (c >= U'a' && c <= U'z') w[1 * V + v] = 3;
  }
  return model;
}

// The int8 blob of the page, decoded (RFC 4648).
std::vector<int8_t> decode_base64(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<int8_t> out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    buffer = buffer << 6 | static_cast<uint32_t>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<int8_t>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

TEST(Visualization, HandMadeUnitsAreFoundAndThePageCarriesThem) {
  const std::u32string text = U"ab \"cd\" (e)\nfg\n  h\n";
  const Vocabulary vocabulary = Vocabulary::of_text(u32(text), TextUnit::CodePoint);
  CharModel model = hand_made_model(vocabulary);
  const Visualization v = visualize(model, u32(text), "t.txt", 2);
  ASSERT_EQ(v.best.size(), 8u);
  for (const FeatureUnits& f : v.best) {
    if (f.feature == "after a newline") {
      ASSERT_FALSE(f.best.empty());
      EXPECT_EQ(f.best[0].unit.name(), "L0 h 0");
      EXPECT_NEAR(f.best[0].correlation, 1.0, 1e-6);
    }
    if (f.feature == "inside a word") {
      EXPECT_EQ(f.best[0].unit.name(), "L0 h 1");
      EXPECT_NEAR(f.best[0].correlation, 1.0, 1e-6);
    }
    // Unit 2 is constant: never listed.
    for (const auto& match : f.best) EXPECT_NE(match.unit.index, 2);
    EXPECT_LE(f.best.size(), 2u);
  }

  const std::string html = visualization_page(model, v, "vis", "a hand-made model").html();
  // One script, allowed by its hash; the text and the picker are filled by it.
  EXPECT_NE(html.find("script-src 'sha256-"), std::string::npos);
  EXPECT_NE(html.find("<div id=\"vis-text\"></div>"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, std::regex("\"acts\":\"([A-Za-z0-9+/=]*)\"")));
  const std::vector<int8_t> acts = decode_base64(m[1]);
  const int64_t T = static_cast<int64_t>(text.size());
  ASSERT_EQ(acts.size(), static_cast<size_t>(3 * T));
  for (int64_t t = 0; t < T; ++t) {
    const long expected0 = text[t] == U'\n' ? std::lround(std::tanh(3.0) * 127) : 0;
    EXPECT_EQ(acts[t], expected0) << t;                      // unit 0 [t]
    EXPECT_EQ(acts[2 * T + t], 0) << t;                      // unit 2
  }
  // No gate-saturation figure for a cell without gates.
  EXPECT_EQ(html.find("Gate saturation"), std::string::npos);
}

TEST(Visualization, LstmPagesShowGateSaturationPerLayer) {
  const std::u32string text = U"int main() {\n  return (1);\n}\n";
  const Vocabulary vocabulary = Vocabulary::of_text(u32(text), TextUnit::CodePoint);
  CharModel model;
  model.vocabulary = vocabulary;
  Rng rng(2);
  model.model = std::make_unique<LanguageModel>(
      LanguageModelConfig{.cell = CellKind::Lstm, .vocab_size = vocabulary.size(), .hidden_size = 6, .num_layers = 2},
      rng);
  const Visualization v = visualize(model, u32(text), "t.c");
  const std::string html = visualization_page(model, v, "vis", "an untrained LSTM").html();
  EXPECT_NE(html.find("Gate saturation"), std::string::npos);
  // Two layers; input, forget and output gates and the diagonal in each.
  const std::regex four_series("data-expected-series=\"4\"");
  EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), four_series), std::sregex_iterator()), 2);
  EXPECT_NE(html.find("data-series=\"forget gate\""), std::string::npos);
  // h and c units of both layers are in the picker: 2 x 2 x 6.
  ASSERT_TRUE(std::regex_search(html, std::regex("\"L1 c 5\"")));
  EXPECT_THROW(visualize(model, {}, "empty.txt"), std::invalid_argument);
}

}  // namespace
}  // namespace recur
