#include "recur/visualization.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "recur/input_error.h"
#include "recur/svg_plot.h"
#include "report/base64.h"

namespace recur {
namespace {

// Karpathy et al.'s thresholds: a sigmoid gate below 0.1 is left-saturated
// (closed), above 0.9 right-saturated (open).
constexpr double kLeftSaturated = 0.1;
constexpr double kRightSaturated = 0.9;
constexpr int kTopPredictions = 5;

int64_t utf8_length(char32_t c, TextUnit unit) {
  if (unit == TextUnit::Byte || c < 0x80) return 1;
  return c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

std::string describe_symbol(char32_t c) {
  std::string shown;
  if (c == U'\n') shown = "\\n";
  else if (c == U'\t') shown = "\\t";
  else if (c < 0x20 || c == 0x7F) shown = fmt::format("\\x{:02x}", static_cast<unsigned>(c));
  else {
    Vocabulary single(TextUnit::CodePoint, {c});
    single.append_text(0, shown);
  }
  return fmt::format("'{}' (U+{:04X})", shown, static_cast<unsigned>(c));
}

// The activations of every unit the page shows, in picker order: per layer
// its h units, then its c units.
struct UnitSeries {
  UnitId id;
  const float* values;  // values[t * stride]
  int64_t stride;
};

std::vector<UnitSeries> all_units(const ActivationRecording& recording) {
  std::vector<UnitSeries> units;
  for (size_t l = 0; l < recording.layers.size(); ++l) {
    const LayerActivations& layer = recording.layers[l];
    for (int64_t j = 0; j < recording.hidden_size; ++j)
      units.push_back({{static_cast<int64_t>(l), false, j}, layer.h.data() + j, recording.hidden_size});
    if (!layer.c.empty())
      for (int64_t j = 0; j < recording.hidden_size; ++j)
        units.push_back({{static_cast<int64_t>(l), true, j}, layer.c.data() + j, recording.hidden_size});
  }
  return units;
}

// How the page shows a symbol in the list of predictions.
std::string symbol_label(const Vocabulary& vocabulary, int64_t id) {
  const char32_t c = vocabulary.symbol(id);
  if (c == U'\n') return "\u21b5";
  if (c == U' ') return "\u2423";
  if (c == U'\t') return "\u21e5";
  std::string text;
  vocabulary.append_text(id, text);
  return text;
}

// The script of the page: builds the coloured text, the picker and the
// prediction box from RECUR_VIS (defined before it, in the same script).
constexpr const char* kPickerScript = R"JS(
(function () {
  const V = RECUR_VIS;
  const T = V.steps;
  const raw = atob(V.acts);
  const textBox = document.getElementById('vis-text');
  const info = document.getElementById('vis-info');
  const prediction = document.getElementById('vis-prediction');
  const picker = document.getElementById('vis-picker');
  const spans = [];
  for (let t = 0; t < T; t++) {
    const s = document.createElement('span');
    s.textContent = V.chars[t] === '\n' ? '\u21b5\n' : V.chars[t];
    if (V.chars[t] === '\n') s.className = 'newline';
    s.dataset.t = String(t);
    textBox.appendChild(s);
    spans.push(s);
  }
  function value(u, t) {
    let q = raw.charCodeAt(u * T + t);
    if (q > 127) q -= 256;
    return q / 127;
  }
  // Karpathy et al.: -1 red, 0 white, +1 blue.
  function colour(v) {
    const a = Math.min(1, Math.abs(v));
    const end = v < 0 ? [178, 24, 43] : [33, 102, 172];
    const c = end.map(x => Math.round(255 + (x - 255) * a));
    return 'rgb(' + c.join(',') + ')';
  }
  const buttons = document.createElement('div');
  buttons.id = 'feature-buttons';
  V.features.forEach(f => {
    if (!f.units.length) return;
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = f.name + ': ' + V.units[f.units[0]] + ' (r = ' + f.r[0].toFixed(2) + ')';
    b.dataset.unit = String(f.units[0]);
    b.dataset.feature = f.name;
    b.addEventListener('click', () => show(f.units[0]));
    buttons.appendChild(b);
  });
  const select = document.createElement('select');
  select.id = 'unit-select';
  V.units.forEach((name, u) => {
    const o = document.createElement('option');
    o.value = String(u);
    o.textContent = name;
    select.appendChild(o);
  });
  select.addEventListener('change', () => show(Number(select.value)));
  const label = document.createElement('label');
  label.textContent = 'any unit: ';
  label.appendChild(select);
  picker.appendChild(buttons);
  picker.appendChild(label);
  let current = -1;
  function shown(u, t) { return value(u, t) * V.scale[u]; }
  function show(u) {
    current = u;
    select.value = String(u);
    for (let t = 0; t < T; t++) spans[t].style.backgroundColor = colour(value(u, t));
    buttons.querySelectorAll('button').forEach(b => b.classList.toggle('active', Number(b.dataset.unit) === u));
    info.textContent = 'Colouring: ' + V.units[u] + (V.cells[u] ? ' (tanh of the cell state)' : '') +
        '. Hover over a character for the next-character prediction.';
  }
  function predict(t) {
    const k = V.k;
    const lines = ['after ' + JSON.stringify(V.chars[t]) + ' (character ' + (t + 1) + ' of ' + T + '): ' +
                   V.units[current] + ' = ' + shown(current, t).toFixed(2)];
    const next = [];
    for (let i = 0; i < k; i++) {
      const id = V.top[(t * k + i) * 2], pct = V.top[(t * k + i) * 2 + 1];
      next.push(V.symbols[id] + ' ' + pct + '%');
    }
    lines.push('next: ' + next.join('   ') + (t + 1 < T ? '   (actual: ' + V.symbols[V.tokens[t + 1]] + ')' : ''));
    prediction.textContent = lines.join('\n');
  }
  textBox.addEventListener('mouseover', e => {
    const t = e.target.dataset ? e.target.dataset.t : undefined;
    if (t !== undefined) predict(Number(t));
  });
  show(V.start);
  predict(0);
})();
)JS";

constexpr const char* kPageCss =
    "#vis-text{font-family:monospace;white-space:pre-wrap;word-break:break-all;line-height:1.55;border:1px solid "
    "#ddd;padding:.5em;font-size:.95em}\n"
    "#vis-text span.newline{color:#bbb}\n"
    "#vis-prediction{position:sticky;top:0;font-family:monospace;white-space:pre;background:#f4f4f4;border:1px solid "
    "#ddd;padding:.4em .6em;min-height:2.8em;overflow-x:auto}\n"
    "#feature-buttons button{margin:.15em .3em .15em 0;font-size:.85em;padding:.2em .5em;border:1px solid "
    "#4e79a7;background:#fff;color:#223;border-radius:3px;cursor:pointer}\n"
    "#feature-buttons button.active{background:#4e79a7;color:#fff}\n"
    "#vis-info{margin:.4em 0;color:#444}";

}  // namespace

std::string UnitId::name() const { return fmt::format("L{} {} {}", layer, cell ? "c" : "h", index); }

double pearson(const float* x, int64_t stride, std::span<const double> y) {
  const size_t n = y.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  double mean_x = 0, mean_y = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_x += x[static_cast<int64_t>(i) * stride];
    mean_y += y[i];
  }
  mean_x /= static_cast<double>(n);
  mean_y /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = x[static_cast<int64_t>(i) * stride] - mean_x, dy = y[i] - mean_y;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

std::vector<int64_t> encode_visualized_text(const Vocabulary& vocabulary, std::span<const char32_t> text,
                                            const std::string& source) {
  std::vector<int64_t> ids;
  ids.reserve(text.size());
  int64_t line = 1, column = 1;  // column: bytes from the line start, from 1
  int64_t first = -1, first_line = 0, first_column = 0, unknown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (vocabulary.contains(c)) {
      ids.push_back(vocabulary.id(c));
    } else {
      if (first < 0) first = static_cast<int64_t>(i), first_line = line, first_column = column;
      ++unknown;
    }
    if (c == U'\n') line += 1, column = 1;
    else column += utf8_length(c, vocabulary.unit());
  }
  if (first >= 0)
    throw InputError(source, first_line, first_column,
                     fmt::format("{}, character {} of the text, is not in the model's vocabulary of {} symbols{}; "
                                 "visualize a text written in the model's characters",
                                 describe_symbol(text[static_cast<size_t>(first)]), first + 1, vocabulary.size(),
                                 unknown > 1 ? fmt::format(" ({} characters of the text are not)", unknown) : ""));
  return ids;
}

Visualization visualize(CharModel& model, std::vector<char32_t> text, const std::string& source, int64_t top) {
  if (text.empty()) throw std::invalid_argument(source + ": the text is empty; nothing to visualize");
  Visualization v;
  v.tokens = encode_visualized_text(model.vocabulary, text, source);
  v.text = std::move(text);
  v.recording = record_activations(*model.model, v.tokens);
  v.features = text_features(v.text);
  const std::vector<UnitSeries> units = all_units(v.recording);
  for (const TextFeature& feature : v.features) {
    FeatureUnits ranked;
    ranked.feature = feature.name;
    for (const UnitSeries& unit : units) {
      const double r = pearson(unit.values, unit.stride, feature.values);
      if (std::isfinite(r)) ranked.best.push_back({unit.id, r});
    }
    std::stable_sort(ranked.best.begin(), ranked.best.end(), [](const auto& a, const auto& b) {
      return std::fabs(a.correlation) > std::fabs(b.correlation);
    });
    if (ranked.best.size() > static_cast<size_t>(std::max<int64_t>(top, 0))) ranked.best.resize(static_cast<size_t>(top));
    const auto [low, high] = std::minmax_element(feature.values.begin(), feature.values.end());
    if (ranked.best.empty())
      ranked.note = *low == *high ? fmt::format("constant ({:g}) over this text", *low) : "every unit is constant";
    v.best.push_back(std::move(ranked));
  }
  return v;
}

HtmlPage visualization_page(const CharModel& model, const Visualization& v, const std::string& title,
                            const std::string& description) {
  const ActivationRecording& recording = v.recording;
  const int64_t T = recording.steps, V = recording.logits.dim(1);
  const std::vector<UnitSeries> units = all_units(recording);
  HtmlPage page(title);
  page.paragraph(description);

  page.section("Interpretable units");
  page.paragraph("Pearson's r between each unit (hidden state h, or LSTM cell state c) and simple features of the "
                 "text at every character; the units with the largest |r|.");
  std::vector<std::vector<std::string>> rows;
  size_t columns = 0;
  for (const FeatureUnits& f : v.best) columns = std::max(columns, f.best.size());
  for (const FeatureUnits& f : v.best) {
    std::vector<std::string> row = {f.feature};
    for (const auto& match : f.best) row.push_back(fmt::format("{} ({:+.2f})", match.unit.name(), match.correlation));
    if (f.best.empty()) row.push_back(f.note);
    row.resize(columns + 1);
    rows.push_back(std::move(row));
  }
  std::vector<std::string> header = {"feature"};
  for (size_t i = 0; i < columns; ++i) header.push_back(fmt::format("unit {} (r)", i + 1));
  page.table(header, rows);

  page.section("The text coloured by a unit");
  page.paragraph("Each character's background is the chosen unit's value after reading it: -1 red, 0 white, +1 "
                 "blue (h, or tanh(c) for a cell). The buttons pick the best unit of each feature.");
  page.add_css(kPageCss);
  page.container("vis-picker");
  page.container("vis-info");
  page.container("vis-prediction");
  page.container("vis-text");

  // The data of the script: characters, units as int8 [unit][t], top predictions.
  nlohmann::json chars = nlohmann::json::array(), symbols = nlohmann::json::array(), names = nlohmann::json::array(),
                 scales = nlohmann::json::array(), cells = nlohmann::json::array();
  for (int64_t token : v.tokens) {
    std::string text;
    model.vocabulary.append_text(token, text);
    chars.push_back(text);
  }
  for (int64_t id = 0; id < model.vocabulary.size(); ++id) symbols.push_back(symbol_label(model.vocabulary, id));
  std::string quantised(units.size() * static_cast<size_t>(T), '\0');
  for (size_t u = 0; u < units.size(); ++u) {
    // Bounded values (h of tanh cells, tanh(c)) keep their scale; a ReLU unit's h
    // is shown relative to its largest value.
    double scale = 1;
    const bool relu = recording.cell == CellKind::RnnRelu;
    if (relu) {
      scale = 0;
      for (int64_t t = 0; t < T; ++t) scale = std::max(scale, std::fabs(double(units[u].values[t * units[u].stride])));
      if (scale == 0) scale = 1;
    }
    for (int64_t t = 0; t < T; ++t) {
      double value = units[u].values[t * units[u].stride];
      if (units[u].id.cell) value = std::tanh(value);
      const long q = std::lround(std::clamp(value / scale, -1.0, 1.0) * 127);
      quantised[u * static_cast<size_t>(T) + static_cast<size_t>(t)] = static_cast<char>(static_cast<int8_t>(q));
    }
    names.push_back(units[u].id.name());
    scales.push_back(scale);
    cells.push_back(units[u].id.cell);
  }
  std::vector<int> top;
  top.reserve(static_cast<size_t>(T) * kTopPredictions * 2);
  std::vector<int64_t> order(static_cast<size_t>(V));
  std::vector<double> probability(static_cast<size_t>(V));
  const int k = static_cast<int>(std::min<int64_t>(kTopPredictions, V));
  for (int64_t t = 0; t < T; ++t) {
    const float* logits = recording.logits.data() + t * V;
    const double peak = *std::max_element(logits, logits + V);
    double total = 0;
    for (int64_t i = 0; i < V; ++i) total += probability[i] = std::exp(double(logits[i]) - peak);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int64_t a, int64_t b) { return probability[a] > probability[b]; });
    for (int i = 0; i < k; ++i) {
      top.push_back(static_cast<int>(order[i]));
      top.push_back(static_cast<int>(std::lround(100 * probability[order[i]] / total)));
    }
  }
  nlohmann::json features = nlohmann::json::array();
  auto index_of = [&](const UnitId& id) {
    for (size_t u = 0; u < units.size(); ++u)
      if (units[u].id.layer == id.layer && units[u].id.cell == id.cell && units[u].id.index == id.index)
        return static_cast<int64_t>(u);
    return int64_t{0};
  };
  int64_t start = 0;
  bool started = false;
  for (const FeatureUnits& f : v.best) {
    nlohmann::json picked = nlohmann::json::array(), r = nlohmann::json::array();
    for (const auto& match : f.best) {
      picked.push_back(index_of(match.unit));
      r.push_back(match.correlation);
    }
    if (!started && !f.best.empty()) start = picked[0].get<int64_t>(), started = true;
    features.push_back({{"name", f.feature}, {"units", picked}, {"r", r}});
  }
  const nlohmann::json data = {{"steps", T},       {"chars", chars},   {"symbols", symbols}, {"tokens", v.tokens},
                               {"units", names},   {"scale", scales},  {"cells", cells},     {"k", k},
                               {"top", top},       {"features", features}, {"start", start},
                               {"acts", base64(quantised)}};
  const std::string json = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  const std::vector<std::string> gates = gate_names(recording.cell);
  bool any_sigmoid = false;
  for (size_t g = 0; g < gates.size(); ++g) any_sigmoid = any_sigmoid || is_sigmoid_gate(recording.cell, g);
  if (any_sigmoid) {
    page.section("Gate saturation");
    page.paragraph(fmt::format("For each unit and sigmoid gate: the fraction of characters where the gate is "
                               "left-saturated (below {:g}, closed) against right-saturated (above {:g}, open), as in "
                               "Karpathy et al. (2016), figure 3.",
                               kLeftSaturated, kRightSaturated));
    const int64_t H = recording.hidden_size, GH = static_cast<int64_t>(gates.size()) * H;
    for (size_t l = 0; l < recording.layers.size(); ++l) {
      LinePlot plot;
      plot.title = fmt::format("layer {}", l);
      plot.x_axis.label = "fraction left-saturated";
      plot.y_axis.label = "fraction right-saturated";
      plot.width = 560;
      plot.height = 440;
      for (size_t g = 0; g < gates.size(); ++g) {
        if (!is_sigmoid_gate(recording.cell, g)) continue;
        LineSeries s;
        s.name = gates[g] + " gate";
        s.line = false;
        for (int64_t j = 0; j < H; ++j) {
          int64_t left = 0, right = 0;
          for (int64_t t = 0; t < T; ++t) {
            const float value = recording.layers[l].gates[t * GH + static_cast<int64_t>(g) * H + j];
            left += value < kLeftSaturated;
            right += value > kRightSaturated;
          }
          s.x.push_back(double(left) / double(T));
          s.y.push_back(double(right) / double(T));
        }
        plot.series.push_back(std::move(s));
      }
      // The corners: the frame always spans [0, 1] on both axes.
      LineSeries corners;
      corners.name = "x + y = 1";
      corners.x = {0, 1};
      corners.y = {1, 0};
      corners.dashed = true;
      corners.colour = "#bbbbbb";
      plot.series.push_back(corners);
      page.figure(plot.svg(), static_cast<int>(plot.series.size()));
    }
  }
  page.script("const RECUR_VIS = " + json_for_script(json) + ";" + kPickerScript);
  return page;
}

}  // namespace recur
