// HtmlPage: a self-contained page (escaped text, inline SVG, CSS-only view
// toggle, nothing fetched), checked by parsing its output.
#include "recur/html_page.h"

#include <gtest/gtest.h>

#include <array>
#include <fmt/format.h>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>

#include "recur/svg_plot.h"
#include "plot_series.h"
#include "report/base64.h"
#include "report/sha256.h"
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

TEST(HtmlPage, MarkedCellsAreEscapedSpans) {
  HtmlPage page("marks");
  page.table({"output"},
             {{HtmlCell{{{"a <b>", ""}, {"c&d", "sub"}, {"12", ""}}, ""}},
              {HtmlCell{{{"0.5", ""}}, ""}},
              {HtmlCell{{{"x", ""}}, GreyImage{{0, 1, 2, 3}, 2, 2}.svg()}}},
             "outputs");
  const std::string html = page.html();
  EXPECT_EQ(count_matches(html, "<table class=\"outputs\">"), 1u);
  EXPECT_EQ(count_matches(html, "<td>a &lt;b&gt;<span class=\"sub\">c&amp;d</span>12</td>"), 1u);
  EXPECT_EQ(count_matches(html, "<td class=\"num\">0.5</td>"), 1u);
  EXPECT_EQ(count_matches(html, "<td><svg [^]*?</svg>\nx</td>"), 1u);
  // A mark or class is an attribute value written as it is: only plain names.
  EXPECT_THROW(page.table({}, {{HtmlCell{{{"t", "a\" onclick=\"x"}}, ""}}}, ""), std::invalid_argument);
  EXPECT_THROW(page.table({}, {{HtmlCell{{{"t", ""}}, ""}}}, "a b"), std::invalid_argument);
  EXPECT_THROW(page.table({}, {{HtmlCell{{}, "<script>"}}}, ""), std::invalid_argument);
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

std::string hex(const std::array<uint8_t, 32>& digest) {
  std::string out;
  for (uint8_t b : digest) out += fmt::format("{:02x}", b);
  return out;
}

// FIPS 180-4's examples (one block, two blocks) and a million 'a's.
TEST(HtmlPageScript, Sha256MatchesTheStandardsExamples) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1000000, 'a'))), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// RFC 4648's examples, section 10.
TEST(HtmlPageScript, Base64MatchesTheRfcExamples) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(HtmlPageScript, ScriptIsAllowedByItsHashOnly) {
  HtmlPage page("picker");
  page.container("text", "picker-text");
  page.add_css("#text{font-family:monospace}");
  const std::string code = "document.getElementById('text').textContent = 'hi';";
  page.script(code);
  const std::string html = page.html();
  EXPECT_EQ(count_matches(html, "<script>"), 1u);
  EXPECT_NE(html.find("<div id=\"text\" class=\"picker-text\"></div>"), std::string::npos);
  EXPECT_NE(html.find("#text{font-family:monospace}"), std::string::npos);
  // The policy names this script's hash: sha256 of its exact text, in base64.
  const auto digest = sha256(code);
  const std::string hash = base64(std::string(reinterpret_cast<const char*>(digest.data()), digest.size()));
  EXPECT_NE(html.find("script-src 'sha256-" + hash + "'\""), std::string::npos) << html.substr(0, 400);
  // 'unsafe-inline' only for styles.
  EXPECT_EQ(count_matches(html, "unsafe-inline"), 1u);
  EXPECT_EQ(count_matches(html, "style-src 'unsafe-inline'"), 1u);
  // A page without scripts allows none.
  EXPECT_EQ(HtmlPage("plain").html().find("script-src"), std::string::npos);
}

TEST(HtmlPageScript, WhatWouldEndTheElementEarlyIsRefused) {
  HtmlPage page("bad");
  EXPECT_THROW(page.script("var s = '</SCRIPT>';"), std::invalid_argument);
  EXPECT_THROW(page.script("var s = '<!-- x';"), std::invalid_argument);
  EXPECT_THROW(page.add_css("a{} </style><script>"), std::invalid_argument);
  EXPECT_THROW(page.container("a b"), std::invalid_argument);
  EXPECT_THROW(page.container("a", "x\"y"), std::invalid_argument);
  // Embedded JSON keeps its meaning with '<' escaped.
  EXPECT_EQ(json_for_script(R"({"text":"</script><b>"})"), R"({"text":"\u003c/script>\u003cb>"})");
  page.script("var d = " + json_for_script(R"({"text":"</script>"})") + ";");
  page.preformatted("a < b\n  c");
  EXPECT_NE(page.html().find("<pre>a &lt; b\n  c</pre>"), std::string::npos);
}

}  // namespace
}  // namespace recur
