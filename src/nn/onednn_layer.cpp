// OnednnLayer, the primitive runs: see onednn_layer.h. Built only with oneDNN
// (RECUR_HAVE_ONEDNN); without it, enabled() is false and Recurrent never
// constructs one.
//
// A forward is a list of runs, one primitive call each: a full-length batch is
// one run for all directions; with lengths, each direction is a chain of runs
// over the time segments of length_segments.h, in its processing order (left
// to right: segments in time order; right to left: reversed). Between runs of
// a chain, state rows carry over, rows enter from h0 and leave to hn; backward
// walks every chain in reverse, carrying the state gradients the same way.
#include "nn/onednn_layer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "nn/length_segments.h"
#include "nn/onednn_rows.h"
#include "nn/scratch_buffer.h"

#ifdef RECUR_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace recur::onednn {

#ifndef RECUR_HAVE_ONEDNN

struct OnednnLayer::Impl {};
OnednnLayer::OnednnLayer(const RecurrentOptions&, int64_t, const DirectionParameters*) {
  throw std::logic_error("recur was built without oneDNN");
}
OnednnLayer::~OnednnLayer() = default;
void OnednnLayer::forward(const float*, int64_t, int64_t, const LengthSegments*, const float*, const float*, float*,
                          float*, float*, bool) {}
void OnednnLayer::backward(const float*, const float*, const float*, float*, float*, float*) {}

#else

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dnnl::memory;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// A reorder between two memories that stay put, made once: making one costs
// tens of microseconds, a few percent of a short training step.
struct Copy {
  memory from, to;
  dnnl::reorder reorder;
  // accumulate: add into `to` (a sum post-op) instead of overwriting it.
  Copy(const memory& source, const memory& destination, bool accumulate = false)
      : from(source), to(destination), reorder(make(source, destination, accumulate)) {}
  static dnnl::reorder make(const memory& source, const memory& destination, bool accumulate) {
    dnnl::primitive_attr attr;
    if (accumulate) {
      dnnl::post_ops sum;
      sum.append_sum(1.0f);
      attr.set_post_ops(sum);
    }
    return dnnl::reorder(source, destination, attr);
  }
  void execute(dnnl::stream& stream) { reorder.execute(stream, from, to); }
};

struct Primitives {
  dnnl::primitive_desc fwd_pd, bwd_pd;
  dnnl::primitive fwd, bwd;
};

// The directions one primitive runs: all of the layer's (full-length batches)
// or one (variable lengths: each direction is its own chain of segments).
struct Group {
  int64_t first = 0, count = 0;
  dnnl::rnn_direction direction{};
  // The weights in PyTorch's layout, which is oneDNN's plain ldgoi: for one
  // direction of a cell whose gate order oneDNN shares (LSTM, RNN), the
  // Parameters' own values and gradients ("direct"); otherwise the layer's
  // staged copies. Biases are always staged (oneDNN wants b_ih + b_hh).
  bool direct = false;
  memory wl_user, wi_user, bias_user, dwl_user, dwi_user, dbias_user;
  // The forward's formats, fixed by the first primitive made, so that runs of
  // every shape share one reorder per forward. Backward reads the plain
  // weights as they are; its weight gradients come in the forward's formats.
  memory wl_fwd, wi_fwd, bias_fwd, dwl, dwi, dbias;
  std::vector<Copy> to_forward, gradients_back;  // user <-> primitive formats
  std::map<std::pair<int64_t, int64_t>, std::shared_ptr<Primitives>> by_shape;  // (steps, batch)
  bool used = false;  // by the last forward
};

struct Run {
  Group* group = nullptr;
  TimeSegment seg;
  int64_t batch_before = 0, batch_after = 0;  // of the neighbouring runs in the chain (0: none)
  std::shared_ptr<Primitives> prims;
  // What forward keeps for backward: slices of the layer's run_memory (see
  // lay_out_runs), and the input and output it used.
  float *src_copy = nullptr, *dst = nullptr, *h0 = nullptr, *c0 = nullptr, *hn = nullptr, *cn = nullptr;
  float* workspace = nullptr;
  const float* src = nullptr;  // x itself or src_copy
  float* dst_layer = nullptr;  // the caller's y or dst
};

}  // namespace

struct OnednnLayer::Impl {
  Impl(const CellSpec& spec, const RecurrentOptions& options, int64_t input_size,
       const DirectionParameters* directions)
      : cell(spec.onednn),
        I(input_size),
        H(options.hidden_size),
        G(spec.info.gates),
        D(options.directions()),
        lstm(spec.info.cell_state),
        staged(spec.onednn, D, G, H, I, directions) {}

  OnednnCell cell;  // which primitive runs the layer
  int64_t I = 0, H = 0, G = 0, D = 0;
  bool lstm = false;  // carries the cell state c

  StagedParameters staged;  // the parameters in oneDNN's plain layouts (onednn_weights.h)
  Group full;           // every direction, one call
  Group single[2];      // one direction each, for segment chains

  // The last forward.
  int64_t T = 0, B = 0;
  LengthSegments segments;
  std::vector<Run> runs;  // chains one after another, each in processing order
  size_t run_count = 0;   // runs[0..run_count) are the last forward's
  ScratchBuffer run_memory;  // every run's saved buffers (lay_out_runs)

  ScratchBuffer diff_dst, diff_src, diff_dst_h, diff_dst_c, diff_src_h[2], diff_src_c[2];
  dnnl::stream stream{cpu_engine()};

  void init_groups();
  std::shared_ptr<Primitives> primitives(Group& group, int64_t steps, int64_t batch);
  void plan_runs(bool chains);
  void lay_out_runs(bool own_outputs);
  void point_at_parameters(Group& group);
  bool weights_staged() const;  // whether the groups in use read staged weights
  StateView state_view(const Group& g) const { return {B, H, g.first, g.count, segments.order.data()}; }
  // A group's columns of y (or dy): [T, B, D*H].
  RowView output_view(const Group& g) const {
    return {B, D * H, g.first * H, g.count * H, segments.order.data(), segments.identity_order()};
  }
  // All of x (or dx): [T, B, I].
  RowView input_view() const { return {B, I, 0, I, segments.order.data(), segments.identity_order()}; }
};

void OnednnLayer::Impl::init_groups() {
  // Staged weights only where some group needs them (memory: each copy is the
  // size of the layer's weights).
  if (!staged.direct(1) || D == 2) staged.allocate_weights();
  const int64_t bias_gates = staged.bias_gates;
  auto& eng = cpu_engine();
  auto views = [&](Group& g) {
    const memory::desc wl_md({1, g.count, I, G, H}, dt::f32, tag::ldgoi);
    const memory::desc wi_md({1, g.count, H, G, H}, dt::f32, tag::ldgoi);
    const memory::desc bias_md({1, g.count, bias_gates, H}, dt::f32, tag::ldgo);
    g.direct = staged.direct(g.count);
    // Direct handles are set from the Parameters before every use.
    g.wl_user = memory(wl_md, eng, g.direct ? nullptr : staged.wl.data() + g.first * G * H * I);
    g.wi_user = memory(wi_md, eng, g.direct ? nullptr : staged.wi.data() + g.first * G * H * H);
    g.dwl_user = memory(wl_md, eng, g.direct ? nullptr : staged.dwl.data() + g.first * G * H * I);
    g.dwi_user = memory(wi_md, eng, g.direct ? nullptr : staged.dwi.data() + g.first * G * H * H);
    g.bias_user = memory(bias_md, eng, staged.bias.data() + g.first * bias_gates * H);
    g.dbias_user = memory(bias_md, eng, staged.dbias.data() + g.first * bias_gates * H);
  };
  full.first = 0;
  full.count = D;
  full.direction = D == 2 ? dnnl::rnn_direction::bidirectional_concat : dnnl::rnn_direction::unidirectional_left2right;
  views(full);
  for (int64_t d = 0; d < D; ++d) {
    single[d].first = d;
    single[d].count = 1;
    single[d].direction =
        d == 0 ? dnnl::rnn_direction::unidirectional_left2right : dnnl::rnn_direction::unidirectional_right2left;
    views(single[d]);
  }
}

std::shared_ptr<Primitives> OnednnLayer::Impl::primitives(Group& g, int64_t steps, int64_t batch) {
  // Shapes come and go with the lengths of each batch; bound what is kept.
  constexpr size_t kMaxShapes = 256;
  if (g.by_shape.size() >= kMaxShapes && !g.by_shape.count({steps, batch})) g.by_shape.clear();
  std::shared_ptr<Primitives>& slot = g.by_shape[{steps, batch}];
  if (slot) return slot;
  auto& eng = cpu_engine();
  const memory::desc src({steps, batch, I}, dt::f32, tag::tnc);
  const memory::desc dst({steps, batch, g.count * H}, dt::f32, tag::tnc);
  const memory::desc iter({1, g.count, batch, H}, dt::f32, tag::ldnc);
  const memory::desc bias({1, g.count, staged.bias_gates, H}, dt::f32, tag::ldgo);
  const bool fixed = static_cast<bool>(g.wl_fwd);
  auto fmt = [&](const memory& m, const memory::dims& dims) {
    return fixed ? m.get_desc() : memory::desc(dims, dt::f32, tag::any);
  };
  const memory::dims wl_dims{1, g.count, I, G, H}, wi_dims{1, g.count, H, G, H};
  const memory::desc wl_f = fmt(g.wl_fwd, wl_dims), wi_f = fmt(g.wi_fwd, wi_dims);
  const memory::desc wl_b = g.wl_user.get_desc(), wi_b = g.wi_user.get_desc();
  const memory::desc dwl = fmt(g.dwl, wl_dims), dwi = fmt(g.dwi, wi_dims);
  const auto dir = g.direction;
  const auto fk = dnnl::prop_kind::forward_training;
  const auto bk = dnnl::prop_kind::backward;
  auto p = std::make_shared<Primitives>();
  if (cell == OnednnCell::Lstm) {
    dnnl::lstm_forward::primitive_desc f({fk, dir, src, iter, iter, wl_f, wi_f, bias, dst, iter, iter}, eng);
    p->fwd_pd = f;
    p->bwd_pd = dnnl::lstm_backward::primitive_desc(
        {bk, dir, src, iter, iter, wl_b, wi_b, bias, dst, iter, iter, src, iter, iter, dwl, dwi, bias, dst, iter, iter},
        eng, f);
  } else if (cell == OnednnCell::LinearBeforeResetGru) {
    dnnl::lbr_gru_forward::primitive_desc f({fk, dir, src, iter, wl_f, wi_f, bias, dst, iter}, eng);
    p->fwd_pd = f;
    p->bwd_pd = dnnl::lbr_gru_backward::primitive_desc(
        {bk, dir, src, iter, wl_b, wi_b, bias, dst, iter, src, iter, dwl, dwi, bias, dst, iter}, eng, f);
  } else if (cell == OnednnCell::Gru) {
    dnnl::gru_forward::primitive_desc f({fk, dir, src, iter, wl_f, wi_f, bias, dst, iter}, eng);
    p->fwd_pd = f;
    p->bwd_pd = dnnl::gru_backward::primitive_desc(
        {bk, dir, src, iter, wl_b, wi_b, bias, dst, iter, src, iter, dwl, dwi, bias, dst, iter}, eng, f);
  } else {
    const auto act =
        cell == OnednnCell::VanillaTanh ? dnnl::algorithm::eltwise_tanh : dnnl::algorithm::eltwise_relu;
    dnnl::vanilla_rnn_forward::primitive_desc f({fk, act, dir, src, iter, wl_f, wi_f, bias, dst, iter}, eng);
    p->fwd_pd = f;
    p->bwd_pd = dnnl::vanilla_rnn_backward::primitive_desc(
        {bk, act, dir, src, iter, wl_b, wi_b, bias, dst, iter, src, iter, dwl, dwi, bias, dst, iter}, eng, f);
  }
  p->fwd = dnnl::primitive(p->fwd_pd);
  p->bwd = dnnl::primitive(p->bwd_pd);
  if (!fixed) {
    auto md = [](const dnnl::primitive_desc& pd, int arg) { return pd.query_md(dnnl::query::exec_arg_md, arg); };
    g.wl_fwd = memory(md(p->fwd_pd, DNNL_ARG_WEIGHTS_LAYER), eng);
    g.wi_fwd = memory(md(p->fwd_pd, DNNL_ARG_WEIGHTS_ITER), eng);
    g.bias_fwd = memory(md(p->fwd_pd, DNNL_ARG_BIAS), eng);
    g.dwl = memory(md(p->bwd_pd, DNNL_ARG_DIFF_WEIGHTS_LAYER), eng);
    g.dwi = memory(md(p->bwd_pd, DNNL_ARG_DIFF_WEIGHTS_ITER), eng);
    g.dbias = memory(md(p->bwd_pd, DNNL_ARG_DIFF_BIAS), eng);
    g.to_forward = {{g.wl_user, g.wl_fwd}, {g.wi_user, g.wi_fwd}, {g.bias_user, g.bias_fwd}};
    // Direct weights take their gradients straight into Parameter::grad (which
    // Recurrent's contract adds to); staged ones through StagedParameters::add_gradients.
    g.gradients_back = {{g.dwl, g.dwl_user, g.direct}, {g.dwi, g.dwi_user, g.direct}, {g.dbias, g.dbias_user}};
  }
  slot = p;
  return p;
}

void OnednnLayer::Impl::plan_runs(bool chains) {
  full.used = !chains;
  run_count = 0;
  auto add = [&](Group& g, const TimeSegment& seg, int64_t before, int64_t after) {
    if (runs.size() <= run_count) runs.emplace_back();
    Run& r = runs[run_count++];
    r.group = &g;
    r.seg = seg;
    r.batch_before = before;
    r.batch_after = after;
    r.prims = primitives(g, seg.steps(), seg.batch);
  };
  if (!chains) {
    add(full, segments.segments.front(), 0, 0);
    return;
  }
  const std::vector<TimeSegment>& s = segments.segments;
  const int64_t n = static_cast<int64_t>(s.size());
  for (int64_t d = 0; d < D; ++d) {
    single[d].used = true;
    for (int64_t k = 0; k < n; ++k) {
      // Left to right walks the segments in time order, right to left backwards.
      const int64_t at = d == 0 ? k : n - 1 - k;
      const int64_t before = d == 0 ? at - 1 : at + 1, after = d == 0 ? at + 1 : at - 1;
      auto batch_of = [&](int64_t i) { return i >= 0 && i < n ? s[i].batch : int64_t{0}; };
      add(single[d], s[at], batch_of(before), batch_of(after));
    }
  }
}

void OnednnLayer::Impl::point_at_parameters(Group& g) {
  if (!g.direct) return;
  const DirectionParameters& p = staged.params[g.first];
  g.wl_user.set_data_handle(p.weight_ih->value.data());
  g.wi_user.set_data_handle(p.weight_hh->value.data());
  g.dwl_user.set_data_handle(p.weight_ih->grad.data());
  g.dwi_user.set_data_handle(p.weight_hh->grad.data());
}

bool OnednnLayer::Impl::weights_staged() const {
  for (const Group* g : {&full, &single[0], &single[1]})
    if (g->used && !g->direct) return true;
  return false;
}

// One block for every run's saved buffers, sized for this forward. Buffers
// owned per run and kept across calls each grew to the largest segment ever
// seen at their place in the chain: with lengths drawn anew every batch, a
// small model's memory climbed past 350 MB in 60 steps.
void OnednnLayer::Impl::lay_out_runs(bool own_outputs) {
  float* base = nullptr;
  size_t used = 0;
  auto take = [&](int64_t floats) -> float* {
    float* slice = base ? base + used : nullptr;
    used += (static_cast<size_t>(floats) + 15) / 16 * 16;  // keeps every slice 64-byte aligned
    return slice;
  };
  for (int pass = 0; pass < 2; ++pass) {  // sizes, then pointers
    if (pass == 1) {
      base = run_memory.reserve(used);
      used = 0;
    }
    for (size_t k = 0; k < run_count; ++k) {
      Run& r = runs[k];
      const int64_t b = r.seg.batch, steps = r.seg.steps(), state = r.group->count * b * H;
      const memory::desc ws = r.prims->fwd_pd.query_md(dnnl::query::exec_arg_md, DNNL_ARG_WORKSPACE);
      r.src_copy = input_view().contiguous(r.seg) ? nullptr : take(steps * b * I);
      r.dst = own_outputs ? take(steps * b * r.group->count * H) : nullptr;
      r.h0 = take(state);
      r.hn = take(state);
      r.c0 = lstm ? take(state) : nullptr;
      r.cn = lstm ? take(state) : nullptr;
      r.workspace = take(static_cast<int64_t>(ws.get_size() / sizeof(float)) + 1);
    }
  }
}

OnednnLayer::OnednnLayer(const RecurrentOptions& options, int64_t input_size, const DirectionParameters* directions)
    : impl_(std::make_unique<Impl>(cell_spec(options.cell, options.gru_reset), options, input_size, directions)) {
  if (impl_->cell == OnednnCell::None)
    throw std::invalid_argument("oneDNN has no primitive for the " + cell_name(options.cell) + " cell");
  impl_->init_groups();
}

OnednnLayer::~OnednnLayer() = default;

void OnednnLayer::forward(const float* x, int64_t steps, int64_t batch, const LengthSegments* lengths,
                          const float* h0, const float* c0, float* y, float* hn, float* cn, bool y_stays) {
  Impl& m = *impl_;
  dnnl::engine& eng = cpu_engine();
  m.T = steps;
  m.B = batch;
  m.segments = lengths ? *lengths : split_by_length({}, batch, steps);
  for (int64_t d = 0; d < m.D; ++d) m.single[d].used = false;
  m.plan_runs(lengths != nullptr);
  // The primitive writes y itself when a single run's output is exactly y and
  // y stays as it is until backward, which reads it back; else its own copy.
  const bool into_y = y_stays && m.run_count == 1 && m.segments.identity_order();
  m.lay_out_runs(!into_y);
  m.staged.stage(m.weights_staged());
  for (Group* g : {&m.full, &m.single[0], &m.single[1]}) {
    if (!g->used) continue;
    m.point_at_parameters(*g);
    for (Copy& c : g->to_forward) c.execute(m.stream);
  }
  // Past a sequence's end the output reads zero, and no run writes there.
  if (lengths) std::fill_n(y, steps * batch * m.D * m.H, 0.0f);

  for (size_t k = 0; k < m.run_count; ++k) {
    Run& run = m.runs[k];
    const Group& g = *run.group;
    const TimeSegment& seg = run.seg;
    const int64_t b = seg.batch;
    const dnnl::primitive_desc& pd = run.prims->fwd_pd;
    const RowView x_view = m.input_view();
    if (x_view.contiguous(seg)) {
      run.src = x + seg.t0 * batch * m.I;
    } else {
      gather_steps(x, x_view, seg, run.src_copy);
      run.src = run.src_copy;
    }
    // Initial states: rows carried from the previous run of the chain, the rest from h0.
    const StateView sv = m.state_view(g);
    const Run* prev = run.batch_before > 0 ? &m.runs[k - 1] : nullptr;
    const int64_t carried = std::min(run.batch_before, b);
    float* h_in = run.h0;
    float* c_in = run.c0;
    if (prev) carry_state_rows(prev->hn, prev->seg.batch, h_in, b, carried, g.count, m.H);
    load_state_rows(h0, sv, b, carried, b, h_in);
    if (m.lstm) {
      if (prev) carry_state_rows(prev->cn, prev->seg.batch, c_in, b, carried, g.count, m.H);
      load_state_rows(c0, sv, b, carried, b, c_in);
    }
    const memory::desc src_md = pd.query_md(dnnl::query::exec_arg_md, DNNL_ARG_SRC_LAYER);
    const memory::desc dst_md = pd.query_md(dnnl::query::exec_arg_md, DNNL_ARG_DST_LAYER);
    const memory::desc iter_md = pd.query_md(dnnl::query::exec_arg_md, DNNL_ARG_SRC_ITER);
    const memory::desc ws_md = pd.query_md(dnnl::query::exec_arg_md, DNNL_ARG_WORKSPACE);
    float* dst = into_y ? y : run.dst;
    run.dst_layer = dst;
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC_LAYER, memory(src_md, eng, const_cast<float*>(run.src))},
        {DNNL_ARG_SRC_ITER, memory(iter_md, eng, h_in)},
        {DNNL_ARG_WEIGHTS_LAYER, g.wl_fwd},
        {DNNL_ARG_WEIGHTS_ITER, g.wi_fwd},
        {DNNL_ARG_BIAS, g.bias_fwd},
        {DNNL_ARG_DST_LAYER, memory(dst_md, eng, dst)},
        {DNNL_ARG_DST_ITER, memory(iter_md, eng, run.hn)},
        {DNNL_ARG_WORKSPACE, memory(ws_md, eng, run.workspace)}};
    if (m.lstm) {
      args.insert({DNNL_ARG_SRC_ITER_C, memory(iter_md, eng, c_in)});
      args.insert({DNNL_ARG_DST_ITER_C, memory(iter_md, eng, run.cn)});
    }
    run.prims->fwd.execute(m.stream, args);
    m.stream.wait();
    if (!into_y) scatter_steps(dst, m.output_view(g), seg, false, y);
    // Rows whose sequence ends here (no later run of the chain holds them) leave to hn.
    const int64_t staying = std::min(run.batch_after, b);
    store_state_rows(run.hn, sv, b, staying, b, hn);
    if (m.lstm) store_state_rows(run.cn, sv, b, staying, b, cn);
  }
}

void OnednnLayer::backward(const float* dy, const float* dhn, const float* dcn, float* dx, float* dh0, float* dc0) {
  Impl& m = *impl_;
  if (m.run_count == 0) throw std::logic_error("OnednnLayer::backward called before forward");
  dnnl::engine& eng = cpu_engine();
  for (Group* g : {&m.full, &m.single[0], &m.single[1]}) {
    if (!g->used) continue;
    m.point_at_parameters(*g);  // backward reads them as they are
    // oneDNN accumulates into its weight gradients: start from zero, add into ours after.
    for (memory* d : {&g->dwl, &g->dwi, &g->dbias}) std::memset(d->get_data_handle(), 0, d->get_desc().get_size());
  }
  // One run over everything writes dx in place; chains add their parts into it.
  const bool in_place = m.run_count == 1 && m.segments.identity_order();
  if (!in_place) std::fill_n(dx, m.T * m.B * m.I, 0.0f);

  for (size_t k = m.run_count; k-- > 0;) {
    Run& run = m.runs[k];
    const Group& g = *run.group;
    const TimeSegment& seg = run.seg;
    const int64_t b = seg.batch, state = g.count * b * m.H;
    const dnnl::primitive_desc& pd = run.prims->bwd_pd;
    auto md = [&](int arg) { return pd.query_md(dnnl::query::exec_arg_md, arg); };
    const RowView y_view = m.output_view(g);
    const float* diff_dst = dy + (dy ? seg.t0 * m.B * m.D * m.H : 0);
    if (!dy || !y_view.contiguous(seg)) {
      float* copy = m.diff_dst.reserve(seg.steps() * b * g.count * m.H);
      gather_steps(dy, y_view, seg, copy);
      diff_dst = copy;
    }
    // Final-state gradients: rows carried back from the next run of the chain
    // (its diff_src_iter), the rest from dhn.
    const StateView sv = m.state_view(g);
    const Run* next = run.batch_after > 0 ? &m.runs[k + 1] : nullptr;
    const int64_t carried = std::min(run.batch_after, b);
    float* dh_out = m.diff_dst_h.reserve(state);
    float* dc_out = m.lstm ? m.diff_dst_c.reserve(state) : nullptr;
    if (next) carry_state_rows(m.diff_src_h[(k + 1) % 2].data(), next->seg.batch, dh_out, b, carried, g.count, m.H);
    load_state_rows(dhn, sv, b, carried, b, dh_out);
    if (m.lstm) {
      if (next) carry_state_rows(m.diff_src_c[(k + 1) % 2].data(), next->seg.batch, dc_out, b, carried, g.count, m.H);
      load_state_rows(dcn, sv, b, carried, b, dc_out);
    }
    float* diff_src = in_place ? dx : m.diff_src.reserve(seg.steps() * b * m.I);
    float* dh_in = m.diff_src_h[k % 2].reserve(state);
    float* dc_in = m.lstm ? m.diff_src_c[k % 2].reserve(state) : nullptr;
    const memory::desc iter_md = md(DNNL_ARG_SRC_ITER);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC_LAYER, memory(md(DNNL_ARG_SRC_LAYER), eng, const_cast<float*>(run.src))},
        {DNNL_ARG_SRC_ITER, memory(iter_md, eng, run.h0)},
        {DNNL_ARG_WEIGHTS_LAYER, g.wl_user},
        {DNNL_ARG_WEIGHTS_ITER, g.wi_user},
        {DNNL_ARG_BIAS, g.bias_user},
        {DNNL_ARG_DST_LAYER, memory(md(DNNL_ARG_DST_LAYER), eng, run.dst_layer)},
        {DNNL_ARG_DST_ITER, memory(iter_md, eng, run.hn)},
        {DNNL_ARG_WORKSPACE, memory(md(DNNL_ARG_WORKSPACE), eng, run.workspace)},
        {DNNL_ARG_DIFF_DST_LAYER, memory(md(DNNL_ARG_DIFF_DST_LAYER), eng, const_cast<float*>(diff_dst))},
        {DNNL_ARG_DIFF_DST_ITER, memory(iter_md, eng, dh_out)},
        {DNNL_ARG_DIFF_SRC_LAYER, memory(md(DNNL_ARG_DIFF_SRC_LAYER), eng, diff_src)},
        {DNNL_ARG_DIFF_SRC_ITER, memory(iter_md, eng, dh_in)},
        {DNNL_ARG_DIFF_WEIGHTS_LAYER, g.dwl},
        {DNNL_ARG_DIFF_WEIGHTS_ITER, g.dwi},
        {DNNL_ARG_DIFF_BIAS, g.dbias}};
    if (m.lstm) {
      args.insert({DNNL_ARG_SRC_ITER_C, memory(iter_md, eng, run.c0)});
      args.insert({DNNL_ARG_DST_ITER_C, memory(iter_md, eng, run.cn)});
      args.insert({DNNL_ARG_DIFF_DST_ITER_C, memory(iter_md, eng, dc_out)});
      args.insert({DNNL_ARG_DIFF_SRC_ITER_C, memory(iter_md, eng, dc_in)});
    }
    run.prims->bwd.execute(m.stream, args);
    m.stream.wait();
    if (!in_place) scatter_steps(diff_src, m.input_view(), seg, true, dx);
    // Rows that started here (no earlier run of the chain holds them) give dh0.
    const int64_t started_before = std::min(run.batch_before, b);
    store_state_rows(dh_in, sv, b, started_before, b, dh0);
    if (m.lstm) store_state_rows(dc_in, sv, b, started_before, b, dc0);
  }
  for (Group* g : {&m.full, &m.single[0], &m.single[1]}) {
    if (!g->used) continue;
    for (Copy& c : g->gradients_back) c.execute(m.stream);
  }
  m.stream.wait();
  m.staged.add_gradients(m.weights_staged());
}

#endif  // RECUR_HAVE_ONEDNN

}  // namespace recur::onednn

