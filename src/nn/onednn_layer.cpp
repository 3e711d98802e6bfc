// OnednnLayer: see onednn_layer.h. Built only with oneDNN (RECUR_HAVE_ONEDNN);
// without it, enabled() is false and Recurrent never constructs one.
#include "nn/onednn_layer.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#ifdef RECUR_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

namespace recur::onednn {

bool supports(const RecurrentOptions& o) { return !(o.cell == CellKind::Gru && o.gru_reset == GruReset::BeforeProduct); }

#ifndef RECUR_HAVE_ONEDNN

bool enabled() { return false; }
struct OnednnLayer::Impl {};
OnednnLayer::OnednnLayer(const RecurrentOptions&, int64_t, const DirectionParameters*) {
  throw std::logic_error("recur was built without oneDNN");
}
OnednnLayer::~OnednnLayer() = default;
void OnednnLayer::forward(const float*, int64_t, int64_t, const float*, const float*, float*, float*, float*) {}
void OnednnLayer::backward(const float*, const float*, const float*, float*, float*, float*) {}

#else

bool enabled() {
  static const bool on = [] {
    const char* e = std::getenv("RECUR_ENGINE");
    const std::string engine = e ? e : "";
    if (engine != "" && engine != "recur" && engine != "onednn")
      throw std::invalid_argument("RECUR_ENGINE must be recur or onednn (or unset), got '" + engine + "'");
    return engine != "recur";
  }();
  return on;
}

namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
using dnnl::memory;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

}  // namespace

struct OnednnLayer::Impl {
  RecurrentOptions options;
  int64_t I = 0, H = 0, G = 0, D = 0, bias_gates = 0;
  std::vector<DirectionParameters> params;
  bool lstm = false, gru = false;

  // The shape the primitives were made for.
  int64_t T = 0, B = 0;
  dnnl::primitive fwd, bwd;
  dnnl::primitive_desc fwd_pd, bwd_pd;

  // Parameters in plain layouts (weights ldgoi = PyTorch's [G*H, I] per
  // direction, in oneDNN's gate order) and as the primitives want them.
  std::vector<float> wl_user, wi_user, bias_user;
  memory wl_user_m, wi_user_m, bias_user_m;
  memory wl_fwd, wi_fwd, bias_fwd, wl_bwd, wi_bwd, bias_bwd;
  memory dwl, dwi, dbias;  // gradients in the backward primitive's formats
  memory dwl_user_m, dwi_user_m, dbias_user_m;
  std::vector<float> dwl_user, dwi_user, dbias_user;

  // Activations kept from forward for backward.
  memory src_layer, dst_layer, src_iter, src_iter_c, dst_iter, dst_iter_c, workspace;
  std::vector<float> dst_buf, zeros_state, h0_buf, c0_buf, hn_buf, cn_buf;
  memory diff_src_layer, diff_dst_layer, diff_src_iter, diff_src_iter_c, diff_dst_iter, diff_dst_iter_c;
  std::vector<float> zeros_dst;
  const float* x = nullptr;

  dnnl::stream stream{cpu_engine()};

  // oneDNN gate g holds PyTorch gate perm(g): the GRU swaps r and z.
  int64_t perm(int64_t g) const { return gru && g < 2 ? 1 - g : g; }

  void build(int64_t steps, int64_t batch);
  void stage_parameters();
  void scatter_gradients();
};

void OnednnLayer::Impl::build(int64_t steps, int64_t batch) {
  T = steps;
  B = batch;
  auto& eng = cpu_engine();
  const memory::desc src({T, B, I}, dt::f32, tag::tnc);
  const memory::desc dst({T, B, D * H}, dt::f32, tag::tnc);
  const memory::desc iter({1, D, B, H}, dt::f32, tag::ldnc);
  const memory::desc wl_any({1, D, I, G, H}, dt::f32, tag::any);
  const memory::desc wi_any({1, D, H, G, H}, dt::f32, tag::any);
  const memory::desc bias_plain({1, D, bias_gates, H}, dt::f32, tag::ldgo);
  const memory::desc none;
  const auto dir = D == 2 ? dnnl::rnn_direction::bidirectional_concat : dnnl::rnn_direction::unidirectional_left2right;
  const auto fk = dnnl::prop_kind::forward_training;
  const auto bk = dnnl::prop_kind::backward;
  if (lstm) {
    dnnl::lstm_forward::primitive_desc f({fk, dir, src, iter, iter, wl_any, wi_any, bias_plain, dst, iter, iter}, eng);
    fwd_pd = f;
    bwd_pd = dnnl::lstm_backward::primitive_desc({bk, dir, src, iter, iter, wl_any, wi_any, bias_plain, dst, iter,
                                                  iter, src, iter, iter, wl_any, wi_any, bias_plain, dst, iter, iter},
                                                 eng, f);
  } else if (gru) {
    dnnl::lbr_gru_forward::primitive_desc f({fk, dir, src, iter, wl_any, wi_any, bias_plain, dst, iter}, eng);
    fwd_pd = f;
    bwd_pd = dnnl::lbr_gru_backward::primitive_desc(
        {bk, dir, src, iter, wl_any, wi_any, bias_plain, dst, iter, src, iter, wl_any, wi_any, bias_plain, dst, iter},
        eng, f);
  } else {
    const auto act =
        options.cell == CellKind::RnnTanh ? dnnl::algorithm::eltwise_tanh : dnnl::algorithm::eltwise_relu;
    dnnl::vanilla_rnn_forward::primitive_desc f({fk, act, dir, src, iter, wl_any, wi_any, bias_plain, dst, iter}, eng);
    fwd_pd = f;
    bwd_pd = dnnl::vanilla_rnn_backward::primitive_desc(
        {bk, act, dir, src, iter, wl_any, wi_any, bias_plain, dst, iter, src, iter, wl_any, wi_any, bias_plain, dst,
         iter},
        eng, f);
  }
  fwd = dnnl::primitive(fwd_pd);
  bwd = dnnl::primitive(bwd_pd);
  auto md = [](const dnnl::primitive_desc& pd, int arg) { return pd.query_md(dnnl::query::exec_arg_md, arg); };

  const memory::desc wl_user_md({1, D, I, G, H}, dt::f32, tag::ldgoi);
  const memory::desc wi_user_md({1, D, H, G, H}, dt::f32, tag::ldgoi);
  wl_user.assign(D * G * H * I, 0.0f);
  wi_user.assign(D * G * H * H, 0.0f);
  bias_user.assign(D * bias_gates * H, 0.0f);
  wl_user_m = memory(wl_user_md, eng, wl_user.data());
  wi_user_m = memory(wi_user_md, eng, wi_user.data());
  bias_user_m = memory(bias_plain, eng, bias_user.data());
  wl_fwd = memory(md(fwd_pd, DNNL_ARG_WEIGHTS_LAYER), eng);
  wi_fwd = memory(md(fwd_pd, DNNL_ARG_WEIGHTS_ITER), eng);
  bias_fwd = memory(md(fwd_pd, DNNL_ARG_BIAS), eng);
  wl_bwd = memory(md(bwd_pd, DNNL_ARG_WEIGHTS_LAYER), eng);
  wi_bwd = memory(md(bwd_pd, DNNL_ARG_WEIGHTS_ITER), eng);
  bias_bwd = memory(md(bwd_pd, DNNL_ARG_BIAS), eng);
  dwl = memory(md(bwd_pd, DNNL_ARG_DIFF_WEIGHTS_LAYER), eng);
  dwi = memory(md(bwd_pd, DNNL_ARG_DIFF_WEIGHTS_ITER), eng);
  dbias = memory(md(bwd_pd, DNNL_ARG_DIFF_BIAS), eng);
  dwl_user.assign(wl_user.size(), 0.0f);
  dwi_user.assign(wi_user.size(), 0.0f);
  dbias_user.assign(bias_user.size(), 0.0f);
  dwl_user_m = memory(wl_user_md, eng, dwl_user.data());
  dwi_user_m = memory(wi_user_md, eng, dwi_user.data());
  dbias_user_m = memory(bias_plain, eng, dbias_user.data());

  dst_buf.assign(T * B * D * H, 0.0f);
  dst_layer = memory(dst, eng, dst_buf.data());
  zeros_state.assign(D * B * H, 0.0f);
  h0_buf.assign(D * B * H, 0.0f);
  c0_buf.assign(D * B * H, 0.0f);
  hn_buf.assign(D * B * H, 0.0f);
  cn_buf.assign(D * B * H, 0.0f);
  src_iter = memory(iter, eng, h0_buf.data());
  src_iter_c = memory(iter, eng, c0_buf.data());
  dst_iter = memory(iter, eng, hn_buf.data());
  dst_iter_c = memory(iter, eng, cn_buf.data());
  workspace = memory(md(fwd_pd, DNNL_ARG_WORKSPACE), eng);
  src_layer = memory(src, eng, nullptr);
  diff_src_layer = memory(src, eng, nullptr);
  diff_dst_layer = memory(dst, eng, nullptr);
  diff_src_iter = memory(iter, eng, nullptr);
  diff_src_iter_c = memory(iter, eng, nullptr);
  diff_dst_iter = memory(iter, eng, nullptr);
  diff_dst_iter_c = memory(iter, eng, nullptr);
  zeros_dst.clear();
}

void OnednnLayer::Impl::stage_parameters() {
  // PyTorch [G*H, in] per direction -> ldgoi [D][G][H][in] in oneDNN's gate order.
  for (int64_t d = 0; d < D; ++d) {
    const DirectionParameters& p = params[d];
    for (int64_t g = 0; g < G; ++g) {
      const int64_t src_gate = perm(g);
      std::memcpy(wl_user.data() + (d * G + g) * H * I, p.weight_ih->value.data() + src_gate * H * I,
                  sizeof(float) * H * I);
      std::memcpy(wi_user.data() + (d * G + g) * H * H, p.weight_hh->value.data() + src_gate * H * H,
                  sizeof(float) * H * H);
    }
    float* b = bias_user.data() + d * bias_gates * H;
    if (p.bias_ih == nullptr) {
      std::fill_n(b, bias_gates * H, 0.0f);
      continue;
    }
    const float* bi = p.bias_ih->value.data();
    const float* bh = p.bias_hh->value.data();
    for (int64_t g = 0; g < G; ++g) {
      const int64_t s = perm(g) * H;
      // The GRU's n gate keeps b_hn apart (inside r * (...)): it is the extra fourth bias.
      const bool apart = gru && g == 2;
      for (int64_t j = 0; j < H; ++j) b[g * H + j] = bi[s + j] + (apart ? 0.0f : bh[s + j]);
    }
    if (gru)
      for (int64_t j = 0; j < H; ++j) b[3 * H + j] = bh[2 * H + j];
  }
}

void OnednnLayer::Impl::scatter_gradients() {
  for (int64_t d = 0; d < D; ++d) {
    const DirectionParameters& p = params[d];
    for (int64_t g = 0; g < G; ++g) {
      const int64_t dst_gate = perm(g);
      float* gw = p.weight_ih->grad.data() + dst_gate * H * I;
      const float* sw = dwl_user.data() + (d * G + g) * H * I;
      for (int64_t k = 0; k < H * I; ++k) gw[k] += sw[k];
      float* gu = p.weight_hh->grad.data() + dst_gate * H * H;
      const float* su = dwi_user.data() + (d * G + g) * H * H;
      for (int64_t k = 0; k < H * H; ++k) gu[k] += su[k];
    }
    if (p.bias_ih == nullptr) continue;
    const float* db = dbias_user.data() + d * bias_gates * H;
    float* gi = p.bias_ih->grad.data();
    float* gh = p.bias_hh->grad.data();
    for (int64_t g = 0; g < G; ++g) {
      const int64_t s = perm(g) * H;
      const bool apart = gru && g == 2;
      for (int64_t j = 0; j < H; ++j) {
        gi[s + j] += db[g * H + j];
        if (!apart) gh[s + j] += db[g * H + j];
      }
    }
    if (gru)
      for (int64_t j = 0; j < H; ++j) gh[2 * H + j] += db[3 * H + j];
  }
}

OnednnLayer::OnednnLayer(const RecurrentOptions& options, int64_t input_size, const DirectionParameters* directions)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.options = options;
  m.I = input_size;
  m.H = options.hidden_size;
  m.G = gate_count(options.cell);
  m.D = options.directions();
  m.lstm = options.cell == CellKind::Lstm;
  m.gru = options.cell == CellKind::Gru;
  m.bias_gates = m.gru ? 4 : m.G;
  m.params.assign(directions, directions + m.D);
}

OnednnLayer::~OnednnLayer() = default;

void OnednnLayer::forward(const float* x, int64_t steps, int64_t batch, const float* h0, const float* c0, float* y,
                          float* hn, float* cn) {
  Impl& m = *impl_;
  if (steps != m.T || batch != m.B || !m.fwd) m.build(steps, batch);
  const size_t state = sizeof(float) * m.D * m.B * m.H;
  m.stage_parameters();
  dnnl::reorder(m.wl_user_m, m.wl_fwd).execute(m.stream, m.wl_user_m, m.wl_fwd);
  dnnl::reorder(m.wi_user_m, m.wi_fwd).execute(m.stream, m.wi_user_m, m.wi_fwd);
  dnnl::reorder(m.bias_user_m, m.bias_fwd).execute(m.stream, m.bias_user_m, m.bias_fwd);
  if (h0) std::memcpy(m.h0_buf.data(), h0, state);
  else std::fill(m.h0_buf.begin(), m.h0_buf.end(), 0.0f);
  if (m.lstm) {
    if (c0) std::memcpy(m.c0_buf.data(), c0, state);
    else std::fill(m.c0_buf.begin(), m.c0_buf.end(), 0.0f);
  }
  m.x = x;
  m.src_layer.set_data_handle(const_cast<float*>(x));
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC_LAYER, m.src_layer},    {DNNL_ARG_SRC_ITER, m.src_iter},
                                       {DNNL_ARG_WEIGHTS_LAYER, m.wl_fwd},   {DNNL_ARG_WEIGHTS_ITER, m.wi_fwd},
                                       {DNNL_ARG_BIAS, m.bias_fwd},          {DNNL_ARG_DST_LAYER, m.dst_layer},
                                       {DNNL_ARG_DST_ITER, m.dst_iter},      {DNNL_ARG_WORKSPACE, m.workspace}};
  if (m.lstm) {
    args.insert({DNNL_ARG_SRC_ITER_C, m.src_iter_c});
    args.insert({DNNL_ARG_DST_ITER_C, m.dst_iter_c});
  }
  m.fwd.execute(m.stream, args);
  m.stream.wait();
  std::memcpy(y, m.dst_buf.data(), sizeof(float) * m.T * m.B * m.D * m.H);
  std::memcpy(hn, m.hn_buf.data(), state);
  if (m.lstm) std::memcpy(cn, m.cn_buf.data(), state);
}

void OnednnLayer::backward(const float* dy, const float* dhn, const float* dcn, float* dx, float* dh0, float* dc0) {
  Impl& m = *impl_;
  if (!m.fwd) throw std::logic_error("OnednnLayer::backward called before forward");
  dnnl::reorder(m.wl_user_m, m.wl_bwd).execute(m.stream, m.wl_user_m, m.wl_bwd);
  dnnl::reorder(m.wi_user_m, m.wi_bwd).execute(m.stream, m.wi_user_m, m.wi_bwd);
  dnnl::reorder(m.bias_user_m, m.bias_bwd).execute(m.stream, m.bias_user_m, m.bias_bwd);
  // oneDNN accumulates into its weight gradients: start from zero, add into ours after.
  std::memset(m.dwl.get_data_handle(), 0, m.dwl.get_desc().get_size());
  std::memset(m.dwi.get_data_handle(), 0, m.dwi.get_desc().get_size());
  std::memset(m.dbias.get_data_handle(), 0, m.dbias.get_desc().get_size());
  if ((!dy || !dhn || (m.lstm && !dcn)) && m.zeros_dst.empty()) m.zeros_dst.assign(m.T * m.B * m.D * m.H, 0.0f);
  float* zeros = m.zeros_dst.data();
  m.diff_dst_layer.set_data_handle(const_cast<float*>(dy ? dy : zeros));
  m.diff_dst_iter.set_data_handle(const_cast<float*>(dhn ? dhn : zeros));
  m.diff_src_layer.set_data_handle(dx);
  m.diff_src_iter.set_data_handle(dh0);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC_LAYER, m.src_layer},
                                       {DNNL_ARG_SRC_ITER, m.src_iter},
                                       {DNNL_ARG_WEIGHTS_LAYER, m.wl_bwd},
                                       {DNNL_ARG_WEIGHTS_ITER, m.wi_bwd},
                                       {DNNL_ARG_BIAS, m.bias_bwd},
                                       {DNNL_ARG_DST_LAYER, m.dst_layer},
                                       {DNNL_ARG_DST_ITER, m.dst_iter},
                                       {DNNL_ARG_WORKSPACE, m.workspace},
                                       {DNNL_ARG_DIFF_DST_LAYER, m.diff_dst_layer},
                                       {DNNL_ARG_DIFF_DST_ITER, m.diff_dst_iter},
                                       {DNNL_ARG_DIFF_SRC_LAYER, m.diff_src_layer},
                                       {DNNL_ARG_DIFF_SRC_ITER, m.diff_src_iter},
                                       {DNNL_ARG_DIFF_WEIGHTS_LAYER, m.dwl},
                                       {DNNL_ARG_DIFF_WEIGHTS_ITER, m.dwi},
                                       {DNNL_ARG_DIFF_BIAS, m.dbias}};
  if (m.lstm) {
    m.diff_dst_iter_c.set_data_handle(const_cast<float*>(dcn ? dcn : zeros));
    m.diff_src_iter_c.set_data_handle(dc0);
    args.insert({DNNL_ARG_SRC_ITER_C, m.src_iter_c});
    args.insert({DNNL_ARG_DST_ITER_C, m.dst_iter_c});
    args.insert({DNNL_ARG_DIFF_DST_ITER_C, m.diff_dst_iter_c});
    args.insert({DNNL_ARG_DIFF_SRC_ITER_C, m.diff_src_iter_c});
  }
  m.bwd.execute(m.stream, args);
  dnnl::reorder(m.dwl, m.dwl_user_m).execute(m.stream, m.dwl, m.dwl_user_m);
  dnnl::reorder(m.dwi, m.dwi_user_m).execute(m.stream, m.dwi, m.dwi_user_m);
  dnnl::reorder(m.dbias, m.dbias_user_m).execute(m.stream, m.dbias, m.dbias_user_m);
  m.stream.wait();
  m.scatter_gradients();
}

#endif  // RECUR_HAVE_ONEDNN

}  // namespace recur::onednn
