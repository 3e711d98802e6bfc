#include "recur/gradient_flow.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "recur/activation_recording.h"
#include "recur/singular_values.h"
#include "recur/svg_plot.h"

namespace recur {

// ------------------------------------------------------------- output

nlohmann::json GradientFlow::to_json() const {
  nlohmann::json j = {{"cell", cell}, {"steps", steps}, {"batch", batch}};
  j["layers"] = nlohmann::json::array();
  for (const UnitGradientFlow& u : units)
    j["layers"].push_back({{"layer", u.layer}, {"direction", u.direction}, {"grad_norms", u.grad_norms}});
  j["singular_values"] = nlohmann::json::array();
  for (const WeightSpectrum& s : spectra)
    j["singular_values"].push_back(
        {{"layer", s.layer}, {"direction", s.direction}, {"block", s.block}, {"values", s.singular_values}});
  j["saturation"] = nlohmann::json::array();
  for (const GateSaturation& g : saturation)
    j["saturation"].push_back({{"layer", g.layer}, {"gate", g.gate}, {"low", g.low}, {"high", g.high}});
  return j;
}

GradientFlow GradientFlow::from_json(const nlohmann::json& j) {
  GradientFlow flow;
  try {
    flow.cell = j.at("cell").get<std::string>();
    flow.steps = j.at("steps").get<int64_t>();
    flow.batch = j.at("batch").get<int64_t>();
    for (const nlohmann::json& u : j.at("layers"))
      flow.units.push_back({u.at("layer").get<int64_t>(), u.at("direction").get<int64_t>(),
                            u.at("grad_norms").get<std::vector<double>>()});
    for (const nlohmann::json& s : j.at("singular_values"))
      flow.spectra.push_back({s.at("layer").get<int64_t>(), s.at("direction").get<int64_t>(),
                              s.at("block").get<std::string>(), s.at("values").get<std::vector<double>>()});
    for (const nlohmann::json& g : j.at("saturation"))
      flow.saturation.push_back({g.at("layer").get<int64_t>(), g.at("gate").get<std::string>(),
                                 g.at("low").get<double>(), g.at("high").get<double>()});
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("gradient-flow record is incomplete: ") + e.what());
  }
  return flow;
}

std::string GradientFlow::to_csv() const {
  std::string out = "quantity,layer,direction,name,index,value\n";
  for (const UnitGradientFlow& u : units)
    for (size_t k = 0; k < u.grad_norms.size(); ++k)
      out += fmt::format("grad_norm,{},{},,{},{:.9g}\n", u.layer, u.direction, k, u.grad_norms[k]);
  for (const WeightSpectrum& s : spectra)
    for (size_t i = 0; i < s.singular_values.size(); ++i)
      out += fmt::format("singular_value,{},{},{},{},{:.9g}\n", s.layer, s.direction, s.block, i,
                         s.singular_values[i]);
  for (const GateSaturation& g : saturation) {
    out += fmt::format("saturated_low,{},,{},,{:.6f}\n", g.layer, g.gate, g.low);
    out += fmt::format("saturated_high,{},,{},,{:.6f}\n", g.layer, g.gate, g.high);
  }
  return out;
}

std::string GradientFlow::svg(const std::string& title) const {
  LinePlot plot;
  plot.title = title;
  plot.x_axis = {"distance from the last step (steps back)", AxisScale::Linear};
  plot.y_axis = {"||dL/dh_k|| (log scale)", AxisScale::Log10};
  const bool bidirectional = std::any_of(units.begin(), units.end(), [](const auto& u) { return u.direction > 0; });
  for (const UnitGradientFlow& u : units) {
    LineSeries series;
    series.name = fmt::format("layer {}{}", u.layer, bidirectional ? (u.direction ? " reverse" : " forward") : "");
    for (size_t k = 0; k < u.grad_norms.size(); ++k) {
      series.x.push_back(static_cast<double>(k));
      series.y.push_back(u.grad_norms[k]);
    }
    plot.series.push_back(std::move(series));
  }
  return plot.svg();
}

// ------------------------------------------------------------- measuring

StateGradientRecorder::StateGradientRecorder(Recurrent<float>& rnn, int64_t steps, double row_scale) : rnn_(rnn) {
  const RecurrentOptions& o = rnn.options();
  const int64_t D = o.directions(), H = o.hidden_size;
  units_.resize(o.num_layers * D);
  for (int64_t i = 0; i < o.num_layers * D; ++i) units_[i] = {i / D, i % D, std::vector<double>(steps, 0.0)};
  rnn_.observe_state_gradients([this, D, H, steps, row_scale](int64_t layer, int64_t direction, int64_t t,
                                                               int64_t batch, const float* grad_h) {
    if (t < 0 || t >= steps) throw std::logic_error("state gradient of a step outside the recorded sequence");
    double sum = 0;
    for (int64_t b = 0; b < batch; ++b) {
      double squares = 0;
      for (int64_t j = 0; j < H; ++j) squares += static_cast<double>(grad_h[b * H + j]) * grad_h[b * H + j];
      sum += std::sqrt(squares) * row_scale;
    }
    units_[layer * D + direction].grad_norms[steps - 1 - t] = sum / static_cast<double>(batch);
  });
}

StateGradientRecorder::~StateGradientRecorder() { rnn_.observe_state_gradients({}); }

std::vector<WeightSpectrum> recurrent_spectra(Recurrent<float>& rnn, int64_t count) {
  const RecurrentOptions& o = rnn.options();
  const CellInfo& info = cell_info(o.cell);
  // PyTorch's letters for the gate blocks (nn.LSTM W_hi|W_hf|W_hg|W_ho, nn.GRU W_hr|W_hz|W_hn).
  const std::string letters = o.cell == CellKind::Lstm ? "ifgo" : o.cell == CellKind::Gru ? "rzn" : "";
  const int64_t H = o.hidden_size, D = o.directions();
  std::vector<WeightSpectrum> spectra;
  for (int64_t layer = 0; layer < o.num_layers; ++layer)
    for (int64_t d = 0; d < D; ++d) {
      const Parameter<float>& w = rnn.parameter(fmt::format("weight_hh_l{}{}", layer, d ? "_reverse" : ""));
      for (int64_t block = 0; block < info.hidden_blocks; ++block) {
        // Block j of W_hh belongs to gate G - hidden_blocks + j (cell.h).
        const auto gate = static_cast<size_t>(info.gates - info.hidden_blocks + block);
        const std::string name = info.hidden_blocks == 1 ? "W_hh"
                                 : gate < letters.size() ? "W_h" + letters.substr(gate, 1)
                                                         : fmt::format("W_hh[{}]", block);
        spectra.push_back({layer, d, name, top_singular_values(w.value.data() + block * H * H, H, H, count)});
      }
    }
  return spectra;
}

namespace {

// Fractions of each sigmoid gate's activations below 0.1 and above 0.9, per layer.
std::vector<GateSaturation> gate_saturation(LanguageModel& model, const std::vector<std::vector<int64_t>>& windows) {
  const CellKind cell = model.config().cell;
  const std::vector<std::string> gates = gate_names(cell);
  std::vector<GateSaturation> result;
  if (gates.empty()) return result;
  const int64_t L = model.config().num_layers, H = model.config().hidden_size, G = static_cast<int64_t>(gates.size());
  std::vector<double> low(L * G, 0), high(L * G, 0);
  double count = 0;
  for (const std::vector<int64_t>& window : windows) {
    const ActivationRecording rec = record_activations(model, window);
    for (int64_t l = 0; l < L; ++l) {
      const Tensor<float>& a = rec.layers[l].gates;  // [T, G*H]
      for (int64_t t = 0; t < rec.steps; ++t)
        for (int64_t g = 0; g < G; ++g)
          for (int64_t j = 0; j < H; ++j) {
            const float v = a[(t * G + g) * H + j];
            low[l * G + g] += v < 0.1f ? 1 : 0;
            high[l * G + g] += v > 0.9f ? 1 : 0;
          }
    }
    count += static_cast<double>(rec.steps * H);
  }
  for (int64_t l = 0; l < L; ++l)
    for (int64_t g = 0; g < G; ++g)
      if (is_sigmoid_gate(cell, static_cast<size_t>(g)))
        result.push_back({l, gates[g], low[l * G + g] / count, high[l * G + g] / count});
  return result;
}

}  // namespace

GradientFlow char_lm_gradient_flow(LanguageModel& model, std::span<const int64_t> tokens, int64_t steps,
                                   int64_t batch, int64_t singular_values) {
  if (steps < 1) throw std::invalid_argument(fmt::format("steps must be >= 1, got {}", steps));
  if (batch < 1) throw std::invalid_argument(fmt::format("batch must be >= 1, got {}", batch));
  const auto N = static_cast<int64_t>(tokens.size());
  if (N < steps + 1)
    throw std::invalid_argument(fmt::format("the text has {} characters; {} steps need at least {}", N, steps,
                                            steps + 1));
  // Window b starts at b * (N - steps - 1) / max(1, batch - 1): evenly spread, the last at the end.
  std::vector<std::vector<int64_t>> windows(batch);
  std::vector<int64_t> inputs(steps * batch), targets(steps * batch, -100);  // -100: no loss at that step
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t start = batch == 1 ? 0 : b * (N - steps - 1) / (batch - 1);
    windows[b].assign(tokens.begin() + start, tokens.begin() + start + steps);
    for (int64_t t = 0; t < steps; ++t) inputs[t * batch + b] = tokens[start + t];
    targets[(steps - 1) * batch + b] = tokens[start + steps];
  }
  GradientFlow flow;
  flow.cell = cell_name(model.config().cell);
  flow.steps = steps;
  flow.batch = batch;
  {
    // The loss is the mean over the batch's last steps: times the batch size,
    // each row's gradient is that of its own loss.
    StateGradientRecorder recorder(model.recurrent(), steps, static_cast<double>(batch));
    RecurrentState<float> state;
    model.forward(inputs, targets, steps, batch, state, /*training=*/false, nullptr);
    model.backward();
    flow.units = recorder.units();
  }
  // backward added to the parameters' gradients: leave them as they were.
  zero_grad(model.parameters());
  flow.spectra = recurrent_spectra(model.recurrent(), singular_values);
  flow.saturation = gate_saturation(model, windows);
  return flow;
}

}  // namespace recur
