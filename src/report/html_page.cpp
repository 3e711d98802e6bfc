#include "recur/html_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "recur/svg_plot.h"
#include "report/base64.h"
#include "report/sha256.h"

namespace recur {
namespace {

constexpr int kMaxToggleViews = 6;

bool is_number(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

// Whether `text` holds `needle` (lower case) in any case.
bool contains_folded(const std::string& text, const std::string& needle) {
  std::string folded(text.size(), ' ');
  std::transform(text.begin(), text.end(), folded.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return folded.find(needle) != std::string::npos;
}

void check_svg(const std::string& svg) {
  if (svg.rfind("<svg", 0) != 0)
    throw std::invalid_argument("HtmlPage: a figure must be an <svg> element (from svg_plot.h), got \"" +
                                svg.substr(0, 20) + "\"");
}

std::string plot_div(const std::string& svg, int expected_series, const std::string& extra_class = "") {
  check_svg(svg);
  const std::string expected =
      expected_series >= 0 ? fmt::format(" data-expected-series=\"{}\"", expected_series) : std::string();
  return fmt::format("<div class=\"plot{}\"{}>\n{}</div>\n", extra_class, expected, svg);
}

// An id, class or mark: safe in an attribute without escaping ("" counts as plain).
bool plain_name(const std::string& name) {
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

std::string cell_html(const HtmlCell& cell) {
  const bool number = cell.svg.empty() && cell.runs.size() == 1 && cell.runs[0].mark.empty() && is_number(cell.runs[0].text);
  std::string out = number ? "<td class=\"num\">" : "<td>";
  if (!cell.svg.empty()) {
    check_svg(cell.svg);
    out += cell.svg;
  }
  for (const TextRun& run : cell.runs) {
    if (run.mark.empty()) {
      out += escape_xml(run.text);
      continue;
    }
    if (!plain_name(run.mark))
      throw std::invalid_argument("HtmlPage::table: a mark must be letters, digits, '-' or '_', got \"" + run.mark + "\"");
    out += "<span class=\"" + run.mark + "\">" + escape_xml(run.text) + "</span>";
  }
  return out + "</td>";
}

std::string caption_of(const std::string& caption) {
  return caption.empty() ? std::string() : "<figcaption>" + escape_xml(caption) + "</figcaption>\n";
}

// The CSS of the page, including the toggle: the radio inputs come before the
// views, so "input number i checked" can show "view number i" with the
// general-sibling selector.
std::string style() {
  std::string css = R"(body{font-family:sans-serif;color:#222;max-width:1100px;margin:1.5em auto;padding:0 1em;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.3em}
h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.8em 0}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}
pre{background:#f7f7f7;border:1px solid #e4e4e4;padding:.6em .8em;white-space:pre-wrap;word-break:break-word;font-size:.9em}
figcaption{color:#555;font-size:.9em;margin-top:.3em}
.plot svg{max-width:100%;height:auto}
.toggle>input{position:absolute;opacity:0;pointer-events:none}
.toggle>label{display:inline-block;padding:.15em .8em;border:1px solid #4e79a7;color:#4e79a7;cursor:pointer;font-size:.9em;margin:0 .3em .4em 0;border-radius:3px}
.toggle>input:checked+label{background:#4e79a7;color:#fff}
.toggle>input:focus-visible+label{outline:2px solid #f28e2b}
.toggle>.view{display:none}
)";
  for (int i = 1; i <= kMaxToggleViews; ++i)
    css += fmt::format(".toggle>input:nth-of-type({0}):checked~.view:nth-of-type({0}){{display:block}}\n", i);
  return css;
}

}  // namespace

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::section(const std::string& heading) {
  if (in_section_) body_ += "</section>\n";
  body_ += "<section>\n<h2>" + escape_xml(heading) + "</h2>\n";
  in_section_ = true;
}

void HtmlPage::paragraph(const std::string& text) { body_ += "<p>" + escape_xml(text) + "</p>\n"; }

void HtmlPage::table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<HtmlCell>> cells;
  for (const auto& row : rows) {
    cells.emplace_back();
    for (const auto& text : row) cells.back().push_back(HtmlCell{{TextRun{text, ""}}, ""});
  }
  table(header, cells, "");
}

void HtmlPage::table(const std::vector<std::string>& header, const std::vector<std::vector<HtmlCell>>& rows,
                     const std::string& css_class) {
  if (!plain_name(css_class))
    throw std::invalid_argument("HtmlPage::table: a class must be letters, digits, '-' or '_', got \"" + css_class + "\"");
  std::string out = css_class.empty() ? "<table>\n" : "<table class=\"" + css_class + "\">\n";
  if (!header.empty()) {
    out += "<tr>";
    for (const auto& cell : header) out += "<th>" + escape_xml(cell) + "</th>";
    out += "</tr>\n";
  }
  for (const auto& row : rows) {
    out += "<tr>";
    for (const HtmlCell& cell : row) out += cell_html(cell);
    out += "</tr>\n";
  }
  body_ += out + "</table>\n";
}

void HtmlPage::figure(const std::string& svg, int expected_series, const std::string& caption) {
  body_ += "<figure>\n" + plot_div(svg, expected_series) + caption_of(caption) + "</figure>\n";
}

void HtmlPage::toggle(const std::vector<std::pair<std::string, std::string>>& views, int expected_series,
                      const std::string& caption) {
  if (views.size() < 2 || views.size() > static_cast<size_t>(kMaxToggleViews))
    throw std::invalid_argument(
        fmt::format("HtmlPage::toggle: {} views; give 2 to {} (one figure per view otherwise)", views.size(),
                    kMaxToggleViews));
  const int group = ++toggles_;
  std::string out = "<figure class=\"toggle\">\n";
  for (size_t i = 0; i < views.size(); ++i) {
    const std::string id = fmt::format("toggle-{}-{}", group, i);
    out += fmt::format("<input type=\"radio\" name=\"toggle-{}\" id=\"{}\"{}><label for=\"{}\">{}</label>\n", group, id,
                       i == 0 ? " checked" : "", id, escape_xml(views[i].first));
  }
  for (const auto& [label, svg] : views) out += plot_div(svg, expected_series, " view");
  body_ += out + caption_of(caption) + "</figure>\n";
}

void HtmlPage::preformatted(const std::string& text) { body_ += "<pre>" + escape_xml(text) + "</pre>\n"; }

void HtmlPage::container(const std::string& id, const std::string& css_class) {
  if (id.empty() || !plain_name(id) || !plain_name(css_class))
    throw std::invalid_argument("HtmlPage::container: id and class must be letters, digits, '-' or '_', got \"" + id +
                                "\" \"" + css_class + "\"");
  body_ += fmt::format("<div id=\"{}\"{}></div>\n", id, css_class.empty() ? "" : " class=\"" + css_class + "\"");
}

void HtmlPage::add_css(const std::string& css) {
  if (contains_folded(css, "</style"))
    throw std::invalid_argument("HtmlPage::add_css: the CSS holds \"</style\", which would end the element");
  extra_css_ += css + "\n";
}

void HtmlPage::script(const std::string& javascript) {
  for (const char* bad : {"</script", "<!--"})
    if (contains_folded(javascript, bad))
      throw std::invalid_argument(std::string("HtmlPage::script: the script holds \"") + bad +
                                  "\", which would change where it ends; escape '<' in its strings (json_for_script)");
  const auto digest = sha256(javascript);
  script_hashes_.push_back("'sha256-" + base64(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())) + "'");
  body_ += "<script>" + javascript + "</script>\n";
}

std::string HtmlPage::html() const {
  // default-src 'none': no fetch of any kind; styles only inline; images only
  // data:; scripts only those added with script(), by hash.
  std::string scripts;
  for (const auto& hash : script_hashes_) scripts += " " + hash;
  const std::string policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:" +
                             (scripts.empty() ? std::string() : "; script-src" + scripts);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"{4}\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<link rel=\"icon\" href=\"data:,\">\n"
      "<title>{0}</title>\n<style>\n{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n{2}{3}</body>\n</html>\n",
      escape_xml(title_), style() + extra_css_, body_, in_section_ ? "</section>\n" : "", policy);
}

void HtmlPage::write(const std::filesystem::path& path) const {
  const std::string text = html();
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string() + " (is its folder there and writable?)");
}

std::string json_for_script(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (char c : json_text) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
  return out;
}

}  // namespace recur
