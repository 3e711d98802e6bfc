// HtmlPage: a self-contained page (escaped text, inline SVG, CSS-only view
// toggle, nothing fetched), checked by parsing its output.
#include "recur/html_page.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include "recur/svg_plot.h"
#include "plot_series.h"
#include "test_files.h"

namespace recur {
namespace {

size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

std::string small_plot(int series) {
  LinePlot plot;
  for (int i = 0; i < series; ++i)
    plot.series.push_back(testing::line("s" + std::to_string(i), {0, 1}, {1.0 * i, 2.0 * i + 1}));
  return plot.svg();
}

TEST(HtmlPage, TextIsEscapedAndSectionsClose) {
  HtmlPage page("run <a> & \"b\"");
  page.section("Loss & <friends>");
  page.paragraph("x < y && z");
  page.section("Table");
  page.table({"tag", "F1"}, {{"<NOUN>", "0.91"}, {"VERB", "n/a"}});
  const std::string html = page.html();
  EXPECT_EQ(count_matches(html, "<title>run &lt;a&gt; &amp; &quot;b&quot;</title>"), 1u);
  EXPECT_EQ(count_matches(html, "<h1>run &lt;a&gt; &amp; &quot;b&quot;</h1>"), 1u);
  EXPECT_EQ(count_matches(html, "<h2>Loss &amp; &lt;friends&gt;</h2>"), 1u);
  EXPECT_EQ(count_matches(html, "<p>x &lt; y &amp;&amp; z</p>"), 1u);
  EXPECT_EQ(count_matches(html, "<td>&lt;NOUN&gt;</td>"), 1u);
  EXPECT_EQ(count_matches(html, "<section>"), 2u);
  EXPECT_EQ(count_matches(html, "</section>"), 2u);
  EXPECT_EQ(count_matches(html, "<th>"), 2u);
  // Numbers are right-aligned, words not.
  EXPECT_EQ(count_matches(html, "<td class=\"num\">0.91</td>"), 1u);
  EXPECT_EQ(count_matches(html, "<td>n/a</td>"), 1u);
}

TEST(HtmlPage, NothingIsFetchedAndNothingRuns) {
  HtmlPage page("report");
  page.figure(small_plot(2), 2, "two series");
  page.toggle({{"linear", small_plot(1)}, {"log", small_plot(1)}}, 1);
  const std::string html = page.html();
  EXPECT_EQ(count_matches(html, "<script"), 0u);
  // The only URL is the SVG namespace name, which is never fetched.
  EXPECT_EQ(count_matches(html, "https?://(?!www\\.w3\\.org/2000/svg\")"), 0u);
  // src/href only as data: URLs.
  EXPECT_EQ(count_matches(html, "(src|href)=\"(?!data:)"), 0u);
  EXPECT_EQ(count_matches(html, "url\\("), 0u);
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
}

TEST(HtmlPage, FiguresDeclareTheirExpectedSeries) {
  HtmlPage page("report");
  page.figure(small_plot(3), 3, "three & more");
  page.figure(small_plot(1));
  const std::string html = page.html();
  EXPECT_EQ(count_matches(html, "<div class=\"plot\" data-expected-series=\"3\">\n<svg "), 1u);
  EXPECT_EQ(count_matches(html, "<div class=\"plot\">\n<svg "), 1u);
  EXPECT_EQ(count_matches(html, "<figcaption>three &amp; more</figcaption>"), 1u);
  EXPECT_THROW(page.figure("<script>alert(1)</script>"), std::invalid_argument);
}

TEST(HtmlPage, ToggleIsOneRadioGroupPerFigure) {
  HtmlPage page("report");
  page.toggle({{"linear", small_plot(2)}, {"log", small_plot(2)}}, 2);
  page.toggle({{"a", small_plot(1)}, {"b", small_plot(1)}, {"c", small_plot(1)}});
  const std::string html = page.html();
  EXPECT_EQ(count_matches(html, "<input type=\"radio\" name=\"toggle-1\""), 2u);
  EXPECT_EQ(count_matches(html, "<input type=\"radio\" name=\"toggle-2\""), 3u);
  EXPECT_EQ(count_matches(html, " checked>"), 2u);  // the first view of each
  EXPECT_EQ(count_matches(html, "id=\"toggle-1-0\" checked><label for=\"toggle-1-0\">linear</label>"), 1u);
  EXPECT_EQ(count_matches(html, "<div class=\"plot view\" data-expected-series=\"2\">"), 2u);
  EXPECT_EQ(count_matches(html, "<div class=\"plot view\">"), 3u);
  // Radio ids are unique in the page.
  std::set<std::string> ids;
  const std::regex id_re(" id=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_re); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(ids.insert((*it)[1]).second) << (*it)[1];
  EXPECT_EQ(ids.size(), 5u);
  // The CSS shows view i when radio i is checked, for as many views as allowed.
  EXPECT_EQ(count_matches(html, "input:nth-of-type\\(3\\):checked~\\.view:nth-of-type\\(3\\)\\{display:block\\}"), 1u);
  EXPECT_THROW(page.toggle({{"only", small_plot(1)}}), std::invalid_argument);
}

TEST(HtmlPage, WritesTheFileItShows) {
  const auto dir = testing::fresh_directory_for_test("recur_html_page_");
  HtmlPage page("written");
  page.paragraph("hello");
  page.write(dir / "page.html");
  EXPECT_EQ(testing::read_file(dir / "page.html"), page.html());
  EXPECT_THROW(page.write(dir / "missing" / "page.html"), std::runtime_error);
}

}  // namespace
}  // namespace recur
