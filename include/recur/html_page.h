// HtmlPage: one self-contained HTML file (the page of `recur report`) built
// from headings, paragraphs, tables and inline SVG figures, with its CSS
// inline and no URL: it opens from disk in any browser, offline.
// A Content-Security-Policy meta tag forbids every fetch and every script but
// the page's own, so a page that tried one would fail loudly in the browser
// check (scripts/check_html.sh) instead of quietly reaching the network.
//
// Scripts: none by default. A page that needs one (the unit picker of `recur
// visualize`) adds it with script(); the policy then allows exactly those
// scripts by their SHA-256 hash ('sha256-...'), not 'unsafe-inline', so any
// other inline script, injected or not, still does not run.
//
// Layout: <h1>title</h1>, then the blocks in the order they were added; a
// section() starts a <section> with an <h2> that holds the blocks after it.
// Text is escaped; SVG is inserted as it is (it must come from svg_plot.h).
// A figure's plot is wrapped in <div class="plot" data-expected-series="N">
// when the caller says how many series it must show, which the browser check
// counts (elements with class "series") in the rendered page.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace recur {

// A table cell of marked text: runs of text, each plain (mark "") or in a
// <span class="MARK"> that CSS added with add_css() styles (e.g. a wrong
// token), optionally after a small SVG (from svg_plot.h). Marks are letters,
// digits, '-' or '_'; the text is escaped like every other text.
struct TextRun {
  std::string text;
  std::string mark;
};
struct HtmlCell {
  std::vector<TextRun> runs;
  std::string svg;
};

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);

  // Starts a new <section> headed by `heading` (ends the previous one).
  void section(const std::string& heading);
  void paragraph(const std::string& text);
  // A table: `header` cells (may be empty: no header row) and rows of cells;
  // cells that read as numbers are right-aligned.
  void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);
  // The same with marked cells, as <table class="CSS_CLASS"> when a class is
  // given; a cell of one plain run is right-aligned when it reads as a number.
  // Throws std::invalid_argument for a mark or class that is not a plain name,
  // or a cell's svg that is not an <svg> element.
  void table(const std::vector<std::string>& header, const std::vector<std::vector<HtmlCell>>& rows,
             const std::string& css_class);
  // An SVG figure with an optional caption. expected_series >= 0 declares the
  // number of series the browser check must find in it. Throws
  // std::invalid_argument when `svg` is not an <svg> element.
  void figure(const std::string& svg, int expected_series = -1, const std::string& caption = "");
  // One figure shown in several views, one at a time, chosen by buttons (pure
  // CSS radio buttons: no script), e.g. {{"linear", svg}, {"log", svg_log}}.
  // The first view is shown first. expected_series applies to each view.
  // Throws std::invalid_argument for fewer than 2 or more than 6 views.
  void toggle(const std::vector<std::pair<std::string, std::string>>& views, int expected_series = -1,
              const std::string& caption = "");

  // Text shown as it is (monospace, white space kept), e.g. generated samples.
  void preformatted(const std::string& text);
  // An empty <div id="ID" class="CLASS"> for a script to fill. The id must be
  // letters, digits, '-' or '_' (throws std::invalid_argument otherwise).
  void container(const std::string& id, const std::string& css_class = "");
  // CSS added after the page's own. Throws std::invalid_argument if it holds
  // "</style" (it would end the element early).
  void add_css(const std::string& css);
  // An inline script, run where it stands in the page (after the blocks added
  // before it), allowed by its hash. Throws std::invalid_argument if it holds
  // "</script" or "<!--" in any case: either would change where the element
  // ends. Data embedded in it should escape '<' (json_for_script does).
  void script(const std::string& javascript);

  std::string html() const;
  // Writes html() to `path`; throws std::runtime_error naming the path when it cannot.
  void write(const std::filesystem::path& path) const;

 private:
  std::string title_;
  std::string body_;
  std::string extra_css_;
  std::vector<std::string> script_hashes_;  // 'sha256-...' of each script, for the policy
  bool in_section_ = false;
  int toggles_ = 0;  // numbers each toggle's radio group, unique in the page
};

// JSON text safe to embed in a script: '<' written as \u003c, so that no
// "</script>" inside a string can end the element.
std::string json_for_script(const std::string& json_text);

}  // namespace recur
