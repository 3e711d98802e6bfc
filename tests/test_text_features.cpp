// The features of a text, against values worked out by hand position by position.
#include "recur/text_features.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace recur {
namespace {

std::map<std::string, std::vector<double>> features_of(const std::u32string& text) {
  std::map<std::string, std::vector<double>> out;
  for (auto& f : text_features(std::vector<char32_t>(text.begin(), text.end()))) out[f.name] = f.values;
  return out;
}

TEST(TextFeatures, EachFeatureByHand) {
  const std::u32string text = U"a\"b(c\"\n  {[d]";
  // positions: a " b ( c " \n ' ' ' ' { [ d ]
  auto f = features_of(text);
  ASSERT_EQ(f.size(), 8u);
  EXPECT_EQ(f["inside quotes"], (std::vector<double>{0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(f["bracket depth"], (std::vector<double>{0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 3, 3, 2}));
  EXPECT_EQ(f["inside brackets"], (std::vector<double>{0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(f["position in line"], (std::vector<double>{1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6}));
  // The newline is at 6; the text ends at 13.
  EXPECT_EQ(f["distance to line end"], (std::vector<double>{6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(f["indentation"], (std::vector<double>{0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2}));
  EXPECT_EQ(f["after a newline"], (std::vector<double>{0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(f["inside a word"], (std::vector<double>{1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0}));
}

TEST(TextFeatures, TypographicQuotesAndUnbalancedClosers) {
  auto f = features_of(U"\u201Cx\u201D) y");
  EXPECT_EQ(f["inside quotes"], (std::vector<double>{1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(f["bracket depth"], (std::vector<double>{0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(f["inside a word"], (std::vector<double>{1, 1, 1, 0, 0, 1}));  // non-ASCII counts as a letter
  EXPECT_TRUE(text_features(std::vector<char32_t>{})[0].values.empty());
}

}  // namespace
}  // namespace recur
