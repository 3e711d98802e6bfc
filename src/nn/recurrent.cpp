// The recurrent stack: parameters, the time loops, the saved buffers and the
// products with W_ih. One step of a cell (its products with W_hh included)
// lives with the cell, behind nn/cell.h; this file holds no per-cell code.
//
// One "unit" is one layer in one direction. Its saved forward state, in time
// order (t = 0..T-1 whatever the direction, so that the weight gradients are
// single GEMMs over all steps):
//   gates   [T, B, G*H]  gate activations
//   states  [T+1, B, H]  hidden states; the forward direction keeps h0 in slot
//                        0 and h_t in slot t+1, the reverse one h_t in slot t
//                        and h0 in slot T. Either way the T states that fed the
//                        steps are one contiguous block [T, B, H].
//   cells   [T+1, B, H]  the same for the cell state (LSTM)
//   aux     [T, B, aux_blocks*H]  what the cell keeps besides (nn/cell.h)
#include "recur/recurrent.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "nn/cell.h"
#include "nn/input_projection.h"
#include "nn/onednn_layer.h"
#include "recur/dropout.h"
#include "recur/gemm.h"
#include "recur/option_error.h"

namespace recur {

void RecurrentOptions::validate() const {
  // The upper bounds only keep products such as 4 * hidden_size * (input_size
  // + hidden_size) far from overflowing int64, so that a size typed or read
  // from a checkpoint by mistake is an error, not a wrapped shape.
  const auto check = [](int64_t value, const char* option, int64_t max) {
    if (value <= 0 || value > max)
      throw OptionError(option, fmt::format("{} must be in [1, {}], got {}", option, max, value));
  };
  check(input_size, "input_size", kMaxLayerWidth);
  check(hidden_size, "hidden_size", kMaxLayerWidth);
  check(num_layers, "num_layers", kMaxLayers);
  if (!(dropout >= 0.0 && dropout < 1.0))
    throw std::invalid_argument("dropout must be in [0, 1), got " + std::to_string(dropout));
  const CellSpec& spec = cell_spec(cell, gru_reset);
  if (spec.info.input_width_is_hidden) {
    const std::string why = cell_name(cell) + " adds its input to a hidden-sized vector, so ";
    if (input_size != hidden_size)
      throw std::invalid_argument(why + "its input width (" + std::to_string(input_size) +
                                  ") must equal its hidden width (" + std::to_string(hidden_size) + ")");
    if (bidirectional && num_layers > 1)
      throw std::invalid_argument(why + "a bidirectional stack cannot feed it: layer 1's input width (" +
                                  std::to_string(2 * hidden_size) + ", both directions) must equal the hidden width (" +
                                  std::to_string(hidden_size) + ")");
  }
  if (spec.validate) spec.validate(*this);
}

namespace {

template <typename T>
struct Unit {
  Parameter<T>* weight_ih = nullptr;  // [G*H, I]
  Parameter<T>* weight_hh = nullptr;  // [G*H, H]
  Parameter<T>* bias_ih = nullptr;    // [G*H] or null without bias
  Parameter<T>* bias_hh = nullptr;
  bool reverse = false;
  Tensor<T> gates, states, cells, aux;

  // Slots of `states` (see the file comment).
  int64_t initial_slot(int64_t T_) const { return reverse ? T_ : 0; }
  int64_t prev_slot(int64_t t) const { return reverse ? t + 1 : t; }
  int64_t out_slot(int64_t t) const { return reverse ? t : t + 1; }
  int64_t final_slot(int64_t T_) const { return reverse ? 0 : T_; }
  // The block [T, B, H] of the states that fed steps 0..T-1.
  int64_t prev_block_slot() const { return reverse ? 1 : 0; }
  // The time index of the s-th step this unit takes.
  int64_t time_of_step(int64_t s, int64_t T_) const { return reverse ? T_ - 1 - s : s; }
};

}  // namespace

template <typename T>
struct Recurrent<T>::Impl {
  RecurrentOptions options;
  const CellSpec* cell = nullptr;        // what one step computes (nn/cell.h)
  std::vector<Parameter<T>> parameters;  // PyTorch's order
  std::vector<Unit<T>> units;            // layer-major, then direction

  // What the last forward saw and kept.
  bool has_forward = false;
  int64_t steps = 0, batch = 0;
  std::vector<int64_t> lengths;
  const Tensor<T>* input = nullptr;
  std::vector<Tensor<T>> layer_outputs;  // layers 0..L-2 (the last writes the caller's output)
  std::vector<Dropout<T>> dropouts;      // on layer_outputs[l], feeding layer l+1
  std::vector<Tensor<T>> dropped;        // dropouts[l] applied to layer_outputs[l]
  bool used_dropout = false;
  // Layers run on oneDNN's primitives (float only; see onednn_layer.h), made
  // on first use; used_onednn says whether the last forward ran on them.
  std::vector<std::unique_ptr<onednn::OnednnLayer>> onednn_layers;
  LengthSegments segments;  // the last forward's lengths, cut for oneDNN
  bool used_onednn = false;

  // Workspaces, resized per shape and reused.
  Tensor<T> step_scratch;             // [B, scratch_blocks*H]
  Tensor<T> grad_gates, grad_gates_h; // [T, B, G*H]
  Tensor<T> grad_h, grad_c;           // [B, H]
  Tensor<T> grad_layer_a, grad_layer_b;  // [T, B, D*H]
  Tensor<T> bias_row;                 // [G*H]
  Tensor<T> observed_grad;            // [B, H]: what the state-gradient observer sees

  typename Recurrent<T>::StateGradientObserver observer;  // empty: nobody watches

  // forward_tokens: layer 0's projected inputs are rows of these tables (one
  // per direction), picked by token_ids [T * B], instead of a GEMM over x.
  std::span<const Tensor<T>> token_tables;
  std::span<const int64_t> token_ids;

  int64_t H() const { return options.hidden_size; }
  int64_t G() const { return cell->info.gates; }
  int64_t D() const { return options.directions(); }
  bool cell_state() const { return cell->info.cell_state; }
  const int64_t* lengths_or_null() const { return lengths.empty() ? nullptr : lengths.data(); }
  // The per-step workspace of the cell (at least one element, so that data() is never null).
  T* scratch_for(int64_t B) {
    step_scratch.resize({std::max<int64_t>(1, B * cell->scratch_blocks * H())});
    return step_scratch.data();
  }

  void create_parameters(Rng& rng);
  void check_forward_arguments(const Tensor<T>& input, const RecurrentState<T>& initial,
                               std::span<const int64_t> lengths) const;
  void check_state_and_lengths(int64_t steps, int64_t batch, const RecurrentState<T>& initial,
                               std::span<const int64_t> lengths) const;
  void run_forward(const T* x, const RecurrentState<T>& initial, std::span<const int64_t> lengths, Tensor<T>& output,
                   RecurrentState<T>& final, bool training, Rng* rng);
  void forward_unit(Unit<T>& unit, const T* x, int64_t input_size, const T* h0, const T* c0, T* y, T* hn, T* cn);
  void backward_unit(Unit<T>& unit, const T* x, int64_t input_size, const T* grad_y, const T* grad_hn,
                     const T* grad_cn, T* grad_x, bool accumulate_grad_x, T* grad_h0, T* grad_c0);
  void observe_step(int64_t unit_index, int64_t t, const T* grad_h, const T* grad_y_t);
};

template <typename T>
void Recurrent<T>::Impl::create_parameters(Rng& rng) {
  const int64_t H_ = H();
  const T bound = T(1) / std::sqrt(T(H_));
  parameters.reserve(options.num_layers * D() * 4);
  for (int64_t layer = 0; layer < options.num_layers; ++layer) {
    const int64_t in = layer == 0 ? options.input_size : D() * H_;
    for (int64_t d = 0; d < D(); ++d)
      for (UnitParameter& p : unit_parameters(options.cell, layer, d == 1, in, H_, options.bias))
        parameters.emplace_back(std::move(p.name), std::move(p.shape));
  }
  for (Parameter<T>& p : parameters)
    for (int64_t i = 0; i < p.value.numel(); ++i) p.value[i] = T(rng.uniform(-bound, bound));
  // Pointers are taken after all emplace_backs, when the vector no longer moves.
  size_t next = 0;
  for (int64_t layer = 0; layer < options.num_layers; ++layer)
    for (int64_t d = 0; d < D(); ++d) {
      Unit<T> unit;
      unit.reverse = d == 1;
      unit.weight_ih = &parameters[next++];
      unit.weight_hh = &parameters[next++];
      if (options.bias) {
        unit.bias_ih = &parameters[next++];
        unit.bias_hh = &parameters[next++];
      }
      units.push_back(std::move(unit));
    }
}

template <typename T>
void Recurrent<T>::Impl::check_forward_arguments(const Tensor<T>& x, const RecurrentState<T>& initial,
                                                 std::span<const int64_t> lens) const {
  if (x.rank() != 3 || x.dim(2) != options.input_size || x.dim(0) < 1 || x.dim(1) < 1)
    throw std::invalid_argument("input must be [T, B, " + std::to_string(options.input_size) + "] with T, B >= 1, got " +
                                shape_string(x.shape()));
  check_state_and_lengths(x.dim(0), x.dim(1), initial, lens);
}

template <typename T>
void Recurrent<T>::Impl::check_state_and_lengths(int64_t steps_, int64_t batch_, const RecurrentState<T>& initial,
                                                 std::span<const int64_t> lens) const {
  const Shape state_shape{options.num_layers * D(), batch_, H()};
  if (!initial.h.empty() && initial.h.shape() != state_shape)
    throw std::invalid_argument("h0 must be " + shape_string(state_shape) + ", got " + shape_string(initial.h.shape()));
  if (!initial.c.empty()) {
    if (!cell_state()) throw std::invalid_argument("c0 is only for LSTM");
    if (initial.c.shape() != state_shape)
      throw std::invalid_argument("c0 must be " + shape_string(state_shape) + ", got " +
                                  shape_string(initial.c.shape()));
  }
  if (!lens.empty()) {
    if (static_cast<int64_t>(lens.size()) != batch_)
      throw std::invalid_argument("lengths has " + std::to_string(lens.size()) + " entries for a batch of " +
                                  std::to_string(batch_));
    for (size_t b = 0; b < lens.size(); ++b)
      if (lens[b] < 1 || lens[b] > steps_)
        throw std::invalid_argument("lengths[" + std::to_string(b) + "] = " + std::to_string(lens[b]) +
                                    " is outside [1, " + std::to_string(steps_) + "]");
  }
}

template <typename T>
void Recurrent<T>::Impl::forward_unit(Unit<T>& u, const T* x, int64_t I, const T* h0, const T* c0, T* y, T* hn,
                                      T* cn) {
  const int64_t T_ = steps, B = batch, H_ = H(), GH = G() * H_, DH = D() * H_, slot = B * H_;
  const int64_t aux_width = cell->aux_blocks * H_;
  const bool has_c = cell_state();
  u.gates.resize({T_, B, GH});
  u.states.resize({T_ + 1, B, H_});
  if (has_c) u.cells.resize({T_ + 1, B, H_});
  if (aux_width > 0) u.aux.resize({T_, B, aux_width});

  // 1. The input projection of all steps, one GEMM, biases folded in (or,
  // for layer 0 of forward_tokens, rows of the direction's table).
  T* gates = u.gates.data();
  if (x == nullptr) {
    const T* table = token_tables[u.reverse ? 1 : 0].data();
    for (int64_t i = 0; i < T_ * B; ++i) std::memcpy(gates + i * GH, table + token_ids[i] * GH, sizeof(T) * GH);
  } else {
    project_inputs<T>(*cell, H_,
                      {u.weight_ih->value.data(), u.bias_ih ? u.bias_ih->value.data() : nullptr,
                       u.bias_hh ? u.bias_hh->value.data() : nullptr},
                      x, T_ * B, I, bias_row, gates);
  }

  // 2. The time loop, one cell step each.
  T* states = u.states.data();
  T* cells = has_c ? u.cells.data() : nullptr;
  auto load_initial = [&](T* dst, const T* src) {
    if (src) std::memcpy(dst, src, sizeof(T) * slot);
    else std::fill_n(dst, slot, T(0));
  };
  load_initial(states + u.initial_slot(T_) * slot, h0);
  if (has_c) load_initial(cells + u.initial_slot(T_) * slot, c0);
  const auto step = cell->steps<T>().forward;
  T* scratch = scratch_for(B);
  for (int64_t s = 0; s < T_; ++s) {
    const int64_t t = u.time_of_step(s, T_);
    step({.rows = {B, H_, lengths_or_null(), t},
          .w_hh = u.weight_hh->value.data(),
          .b_hh = u.bias_hh ? u.bias_hh->value.data() : nullptr,
          .gates = gates + t * B * GH,
          .h_prev = states + u.prev_slot(t) * slot,
          .h_out = states + u.out_slot(t) * slot,
          .c_prev = has_c ? cells + u.prev_slot(t) * slot : nullptr,
          .c_out = has_c ? cells + u.out_slot(t) * slot : nullptr,
          .aux = aux_width > 0 ? u.aux.data() + t * B * aux_width : nullptr,
          .scratch = scratch,
          .y = y + t * B * DH,
          .y_stride = DH});
  }
  std::memcpy(hn, states + u.final_slot(T_) * slot, sizeof(T) * slot);
  if (has_c) std::memcpy(cn, cells + u.final_slot(T_) * slot, sizeof(T) * slot);
}

// dL/dh_t = what came back from step t+1 (grad_h, before the step at t adds
// the output's part) + the output's gradient at t (row stride D*H).
template <typename T>
void Recurrent<T>::Impl::observe_step(int64_t unit_index, int64_t t, const T* grad_h, const T* grad_y_t) {
  const int64_t B = batch, H_ = H(), DH = D() * H_;
  observed_grad.resize({B, H_});
  T* out = observed_grad.data();
  for (int64_t b = 0; b < B; ++b)
    for (int64_t j = 0; j < H_; ++j) out[b * H_ + j] = grad_h[b * H_ + j] + (grad_y_t ? grad_y_t[b * DH + j] : T(0));
  observer(unit_index / D(), unit_index % D(), t, B, out);
}

template <typename T>
void Recurrent<T>::Impl::backward_unit(Unit<T>& u, const T* x, int64_t I, const T* grad_y, const T* grad_hn,
                                       const T* grad_cn, T* grad_x, bool accumulate_grad_x, T* grad_h0,
                                       T* grad_c0) {
  const int64_t T_ = steps, B = batch, H_ = H(), GH = G() * H_, DH = D() * H_, slot = B * H_;
  const int64_t aux_width = cell->aux_blocks * H_;
  const bool has_c = cell_state();
  grad_gates.resize({T_, B, GH});
  if (cell->separate_hh_gradient) grad_gates_h.resize({T_, B, GH});
  // Most cells send the same gate gradient to W_ih and W_hh (cell.h).
  T* dgates = grad_gates.data();
  T* dgates_h = cell->separate_hh_gradient ? grad_gates_h.data() : dgates;
  grad_h.resize({B, H_});
  grad_c.resize({B, H_});
  T* dh = grad_h.data();
  T* dc = grad_c.data();
  if (grad_hn) std::memcpy(dh, grad_hn, sizeof(T) * slot);
  else grad_h.zero();
  if (has_c) {
    if (grad_cn) std::memcpy(dc, grad_cn, sizeof(T) * slot);
    else grad_c.zero();
  }
  const T* gates = u.gates.data();
  const T* states = u.states.data();
  const T* cells = has_c ? u.cells.data() : nullptr;
  const auto step = cell->steps<T>().backward;
  T* scratch = scratch_for(B);
  const int64_t unit_index = &u - units.data();
  for (int64_t s = T_ - 1; s >= 0; --s) {
    const int64_t t = u.time_of_step(s, T_);
    if (observer) observe_step(unit_index, t, dh, grad_y ? grad_y + t * B * DH : nullptr);
    step({.rows = {B, H_, lengths_or_null(), t},
          .w_hh = u.weight_hh->value.data(),
          .gates = gates + t * B * GH,
          .h_prev = states + u.prev_slot(t) * slot,
          .c_prev = has_c ? cells + u.prev_slot(t) * slot : nullptr,
          .c_now = has_c ? cells + u.out_slot(t) * slot : nullptr,
          .aux = aux_width > 0 ? u.aux.data() + t * B * aux_width : nullptr,
          .grad_y = grad_y ? grad_y + t * B * DH : nullptr,
          .y_stride = DH,
          .grad_h = dh,
          .grad_c = has_c ? dc : nullptr,
          .grad_gates = dgates + t * B * GH,
          .grad_gates_h = dgates_h + t * B * GH,
          .scratch = scratch});
  }
  std::memcpy(grad_h0, dh, sizeof(T) * slot);
  if (has_c) std::memcpy(grad_c0, dc, sizeof(T) * slot);

  // Weight gradients of all steps at once.
  const int64_t TB = T_ * B, input_columns = cell->info.input_blocks * H_;
  gemm<T>(Transpose::Yes, Transpose::No, input_columns, I, TB, T(1), dgates, GH, x, I, T(1),
          u.weight_ih->grad.data(), I);
  const HiddenGradients<T> hidden{.rows = TB,
                                  .hidden = H_,
                                  .gates = G(),
                                  .grad_gates_h = dgates_h,
                                  .h_prev = states + u.prev_block_slot() * slot,
                                  .aux = aux_width > 0 ? u.aux.data() : nullptr,
                                  .grad_w_hh = u.weight_hh->grad.data(),
                                  .grad_b_hh = u.bias_hh ? u.bias_hh->grad.data() : nullptr};
  if (const auto own = cell->steps<T>().hidden_gradients) own(hidden);
  else plain_hidden_gradients(hidden, cell->info.hidden_blocks, cell->hidden_block_offset());
  if (u.bias_ih) add_column_sums(dgates, TB, input_columns, GH, u.bias_ih->grad.data());
  project_inputs_backward(*cell, H_, u.weight_ih->value.data(), x, dgates, TB, I, accumulate_grad_x, grad_x);
}

// ------------------------------------------------------------------ Recurrent

template <typename T>
Recurrent<T>::Recurrent(const RecurrentOptions& options, Rng& rng) : impl_(std::make_unique<Impl>()) {
  options.validate();
  impl_->options = options;
  impl_->cell = &cell_spec(options.cell, options.gru_reset);
  impl_->create_parameters(rng);
}

template <typename T>
Recurrent<T>::~Recurrent() = default;
template <typename T>
Recurrent<T>::Recurrent(Recurrent&&) noexcept = default;
template <typename T>
Recurrent<T>& Recurrent<T>::operator=(Recurrent&&) noexcept = default;

template <typename T>
const RecurrentOptions& Recurrent<T>::options() const {
  return impl_->options;
}

template <typename T>
ParameterList<T> Recurrent<T>::parameters() {
  ParameterList<T> list;
  for (Parameter<T>& p : impl_->parameters) list.push_back(&p);
  return list;
}

template <typename T>
Parameter<T>& Recurrent<T>::parameter(const std::string& name) {
  // A model may have prefixed the names ("rnn.weight_ih_l0", prefix_names);
  // the layer's own name is what follows the last dot.
  for (Parameter<T>& p : impl_->parameters) {
    const size_t dot = p.name.rfind('.');
    if (std::string_view(p.name).substr(dot == std::string::npos ? 0 : dot + 1) == name) return p;
  }
  throw std::invalid_argument("no parameter named '" + name + "'");
}

template <typename T>
void Recurrent<T>::forward(const Tensor<T>& input, const RecurrentState<T>& initial, std::span<const int64_t> lengths,
                           Tensor<T>& output, RecurrentState<T>& final, bool training, Rng* rng) {
  Impl& m = *impl_;
  m.check_forward_arguments(input, initial, lengths);
  m.steps = input.dim(0);
  m.batch = input.dim(1);
  m.input = &input;
  m.token_tables = {};
  m.has_forward = false;
  m.run_forward(input.data(), initial, lengths, output, final, training, rng);
  m.has_forward = true;
}

template <typename T>
std::vector<Tensor<T>> Recurrent<T>::project_layer0(const Tensor<T>& x) {
  Impl& m = *impl_;
  if (x.rank() != 2 || x.dim(1) != m.options.input_size)
    throw std::invalid_argument("project_layer0 takes [V, " + std::to_string(m.options.input_size) + "], got " +
                                shape_string(x.shape()));
  std::vector<Tensor<T>> tables;
  for (int64_t d = 0; d < m.D(); ++d) {
    const Unit<T>& u = m.units[d];
    Tensor<T> table({x.dim(0), m.G() * m.H()});
    project_inputs<T>(*m.cell, m.H(),
                      {u.weight_ih->value.data(), u.bias_ih ? u.bias_ih->value.data() : nullptr,
                       u.bias_hh ? u.bias_hh->value.data() : nullptr},
                      x.data(), x.dim(0), x.dim(1), m.bias_row, table.data());
    tables.push_back(std::move(table));
  }
  return tables;
}

template <typename T>
void Recurrent<T>::forward_tokens(std::span<const Tensor<T>> tables, std::span<const int64_t> ids, int64_t steps,
                                  const RecurrentState<T>& initial, std::span<const int64_t> lengths, Tensor<T>& output,
                                  RecurrentState<T>& final) {
  Impl& m = *impl_;
  const int64_t GH = m.G() * m.H();
  if (static_cast<int64_t>(tables.size()) != m.D())
    throw std::invalid_argument("forward_tokens needs one table per direction");
  for (const Tensor<T>& table : tables)
    if (table.rank() != 2 || table.dim(1) != GH || table.dim(0) != tables[0].dim(0))
      throw std::invalid_argument("forward_tokens tables must be [V, " + std::to_string(GH) + "]");
  if (steps < 1 || ids.empty() || static_cast<int64_t>(ids.size()) % steps != 0)
    throw std::invalid_argument("forward_tokens ids must be [T, B] with T = " + std::to_string(steps));
  for (int64_t id : ids)
    if (id < 0 || id >= tables[0].dim(0)) throw std::out_of_range("forward_tokens: token id out of range");
  m.steps = steps;
  m.batch = static_cast<int64_t>(ids.size()) / steps;
  m.check_state_and_lengths(m.steps, m.batch, initial, lengths);
  m.input = nullptr;
  m.token_tables = tables;
  m.token_ids = ids;
  m.has_forward = false;  // nothing kept for backward
  m.run_forward(nullptr, initial, lengths, output, final, false, nullptr);
  m.token_tables = {};
}

template <typename T>
void Recurrent<T>::Impl::run_forward(const T* x, const RecurrentState<T>& initial, std::span<const int64_t> lengths,
                                     Tensor<T>& output, RecurrentState<T>& final, bool training, Rng* rng) {
  Impl& m = *this;
  const int64_t L = m.options.num_layers, D = m.D(), H = m.H();
  const bool use_dropout = training && m.options.dropout > 0.0 && L > 1;
  if (use_dropout && rng == nullptr) throw std::invalid_argument("training with dropout needs an Rng");
  m.lengths.assign(lengths.begin(), lengths.end());
  const Shape layer_shape{m.steps, m.batch, D * H};
  const Shape state_shape{L * D, m.batch, H};
  const int64_t slot = m.batch * H;
  output.resize(layer_shape);
  final.h.resize(state_shape);
  if (m.cell_state()) final.c.resize(state_shape);
  else final.c = Tensor<T>();
  m.layer_outputs.resize(L - 1);
  m.dropped.resize(use_dropout ? L - 1 : 0);
  if (m.dropouts.size() != m.dropped.size()) m.dropouts.assign(m.dropped.size(), Dropout<T>(m.options.dropout));
  m.used_dropout = use_dropout;
  int64_t in = m.options.input_size;
  // oneDNN for float, where it is faster (onednn_layer.h); our kernels otherwise.
  bool onednn_path = false;
  if constexpr (std::is_same_v<T, float>) {
    if (!lengths.empty()) m.segments = split_by_length(lengths, m.batch, m.steps);  // shared by every layer
    const double flops = step_flops_per_token(m.options);
    onednn_path = onednn::enabled() && m.cell->onednn != OnednnCell::None && !m.observer && m.token_tables.empty() &&
                  (lengths.empty() ? onednn::worth_full_length(m.batch, flops)
                                   : onednn::worth_segmenting(m.segments, flops));
  }
  if (onednn_path && m.onednn_layers.empty()) {
    for (int64_t layer = 0; layer < L; ++layer) {
      onednn::DirectionParameters dirs[2];
      for (int64_t d = 0; d < D; ++d) {
        if constexpr (std::is_same_v<T, float>) {
          const Unit<T>& u = m.units[layer * D + d];
          dirs[d] = {u.weight_ih, u.weight_hh, u.bias_ih, u.bias_hh};
        }
      }
      m.onednn_layers.push_back(std::make_unique<onednn::OnednnLayer>(
          m.options, layer == 0 ? m.options.input_size : D * H, dirs));
    }
  }
  m.used_onednn = onednn_path;
  for (int64_t layer = 0; layer < L; ++layer) {
    Tensor<T>& out = layer + 1 < L ? m.layer_outputs[layer] : output;
    out.resize(layer_shape);
    if constexpr (std::is_same_v<T, float>) {
      if (onednn_path) {
        const int64_t row = layer * D;
        m.onednn_layers[layer]->forward(x, m.steps, m.batch, lengths.empty() ? nullptr : &m.segments,
                                        initial.h.empty() ? nullptr : initial.h.data() + row * slot,
                                        initial.c.empty() ? nullptr : initial.c.data() + row * slot, out.data(),
                                        final.h.data() + row * slot,
                                        final.c.empty() ? nullptr : final.c.data() + row * slot,
                                        /*y_stays=*/layer + 1 < L);  // layer_outputs are ours, kept for backward
      }
    }
    for (int64_t d = 0; d < D && !onednn_path; ++d) {
      const int64_t row = layer * D + d;
      m.forward_unit(m.units[row], x, in, initial.h.empty() ? nullptr : initial.h.data() + row * slot,
                     initial.c.empty() ? nullptr : initial.c.data() + row * slot, out.data() + d * H,
                     final.h.data() + row * slot, final.c.empty() ? nullptr : final.c.data() + row * slot);
    }
    if (layer + 1 < L) {
      if (use_dropout) {
        m.dropouts[layer].forward(out, m.dropped[layer], true, rng);
        x = m.dropped[layer].data();
      } else {
        x = out.data();
      }
      in = D * H;
    }
  }
}

template <typename T>
void Recurrent<T>::observe_state_gradients(StateGradientObserver observer) {
  impl_->observer = std::move(observer);
}

template <typename T>
std::string_view Recurrent<T>::engine() const {
  if (!impl_->has_forward) return "";
  return impl_->used_onednn ? "onednn" : "recur";
}

template <typename T>
void Recurrent<T>::backward(const Tensor<T>& grad_output, const RecurrentState<T>& grad_final, Tensor<T>& grad_input,
                            RecurrentState<T>& grad_initial) {
  Impl& m = *impl_;
  if (!m.has_forward) throw std::logic_error("Recurrent::backward called before forward");
  const int64_t L = m.options.num_layers, D = m.D(), H = m.H();
  const Shape layer_shape{m.steps, m.batch, D * H};
  const Shape state_shape{L * D, m.batch, H};
  if (!grad_output.empty() && grad_output.shape() != layer_shape)
    throw std::invalid_argument("grad_output must be " + shape_string(layer_shape) + ", got " +
                                shape_string(grad_output.shape()));
  if (!grad_final.h.empty() && grad_final.h.shape() != state_shape)
    throw std::invalid_argument("grad_hn must be " + shape_string(state_shape) + ", got " +
                                shape_string(grad_final.h.shape()));
  if (!grad_final.c.empty() && grad_final.c.shape() != state_shape)
    throw std::invalid_argument("grad_cn must be " + shape_string(state_shape) + ", got " +
                                shape_string(grad_final.c.shape()));
  const int64_t slot = m.batch * H;
  const bool has_c = m.cell_state();
  grad_input.resize(m.input->shape());
  grad_initial.h.resize(state_shape);
  if (has_c) grad_initial.c.resize(state_shape);
  else grad_initial.c = Tensor<T>();

  // The gradient flowing into the current layer's output; starts as the caller's.
  const T* grad_y = grad_output.empty() ? nullptr : grad_output.data();
  Tensor<T>* grad_below = &m.grad_layer_a;
  for (int64_t layer = L - 1; layer >= 0; --layer) {
    const bool bottom = layer == 0;
    const T* x = bottom ? m.input->data()
                        : (m.used_dropout ? m.dropped[layer - 1].data() : m.layer_outputs[layer - 1].data());
    const int64_t in = bottom ? m.options.input_size : D * H;
    T* grad_x;
    if (bottom) {
      grad_x = grad_input.data();
    } else {
      grad_below->resize(layer_shape);
      grad_x = grad_below->data();
    }
    if constexpr (std::is_same_v<T, float>) {
      if (m.used_onednn) {
        const int64_t row = layer * D;
        m.onednn_layers[layer]->backward(grad_y, grad_final.h.empty() ? nullptr : grad_final.h.data() + row * slot,
                                         grad_final.c.empty() ? nullptr : grad_final.c.data() + row * slot, grad_x,
                                         grad_initial.h.data() + row * slot,
                                         has_c ? grad_initial.c.data() + row * slot : nullptr);
      }
    }
    for (int64_t d = 0; d < D && !m.used_onednn; ++d) {
      const int64_t row = layer * D + d;
      m.backward_unit(m.units[row], x, in, grad_y ? grad_y + d * H : nullptr,
                      grad_final.h.empty() ? nullptr : grad_final.h.data() + row * slot,
                      grad_final.c.empty() ? nullptr : grad_final.c.data() + row * slot, grad_x, d > 0,
                      grad_initial.h.data() + row * slot, has_c ? grad_initial.c.data() + row * slot : nullptr);
    }
    if (!bottom) {
      if (m.used_dropout) m.dropouts[layer - 1].backward(*grad_below, *grad_below);
      grad_y = grad_below->data();
      grad_below = grad_below == &m.grad_layer_a ? &m.grad_layer_b : &m.grad_layer_a;
    }
  }
}

template class Recurrent<float>;
template class Recurrent<double>;

}  // namespace recur
