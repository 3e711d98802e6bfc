// onednn_anchor: times oneDNN's RNN primitives (LSTM, linear-before-reset
// GRU, vanilla RNN) on one configuration, as the bar recur is measured
// against (issue 4). A training iteration is what a trainer would pay for:
// reorder the plain weights into the primitives' formats, forward with
// workspace for every layer, zero the weight gradients, backward for every
// layer in reverse, reorder the weight gradients back to plain layout.
//
//   onednn_anchor --cell lstm --input 512 --hidden 512 --layers 2
//                 --batch 64 --seq 100 --threads 2 [--json]
//
// Layers are separate single-layer primitives chained through a [T, B, D*H]
// buffer, so the input size of layer 0 may differ from the hidden size and
// bidirectional stacks concatenate like PyTorch's.
#include <dnnl.hpp>
#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "flag_value.h"

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct Options {
  std::string cell = "lstm";
  long input = 0;  // 0: same as hidden
  long hidden = 512;
  long layers = 1;
  long batch = 64;
  long seq = 100;
  bool bidirectional = false;
  int threads = 0;  // 0: OpenMP's default (all cores)
  int repeats = 10;
  int warmup = 2;
  bool forward_only = false;
  bool json = false;
};

[[noreturn]] void usage(const char *why) {
  std::fprintf(stderr,
               "onednn_anchor: %s\n"
               "usage: onednn_anchor [--cell lstm|gru|rnn_tanh|rnn_relu] [--input N] [--hidden N]\n"
               "  [--layers N] [--batch N] [--seq N] [--bidirectional] [--threads N]\n"
               "  [--repeats N] [--warmup N] [--forward-only] [--json]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] { return flag_value(argc, argv, i, 0, usage); };
    if (a == "--cell") {
      if (i + 1 >= argc) usage("missing value after --cell");
      o.cell = argv[++i];
    } else if (a == "--input") o.input = value();
    else if (a == "--hidden") o.hidden = value();
    else if (a == "--layers") o.layers = value();
    else if (a == "--batch") o.batch = value();
    else if (a == "--seq") o.seq = value();
    else if (a == "--threads") o.threads = static_cast<int>(value());
    else if (a == "--repeats") o.repeats = static_cast<int>(value());
    else if (a == "--warmup") o.warmup = static_cast<int>(value());
    else if (a == "--bidirectional") o.bidirectional = true;
    else if (a == "--forward-only") o.forward_only = true;
    else if (a == "--json") o.json = true;
    else usage(("unknown flag " + a).c_str());
  }
  if (o.cell != "lstm" && o.cell != "gru" && o.cell != "rnn_tanh" && o.cell != "rnn_relu")
    usage(("unknown cell '" + o.cell + "'").c_str());
  if (o.input == 0) o.input = o.hidden;
  if (o.hidden < 1 || o.layers < 1 || o.batch < 1 || o.seq < 1 || o.repeats < 1)
    usage("--hidden, --layers, --batch, --seq and --repeats must be at least 1");
  return o;
}

long gates_of(const std::string &cell) {
  if (cell == "lstm") return 4;
  if (cell == "gru") return 3;
  return 1;
}

// The forward and backward primitive descriptors of one layer. Activations
// are plain time-major; weights and their gradients are left to oneDNN
// (format "any"), so the reorders a trainer needs show up in the timing.
// Initial and final states are zero memory descriptors (zero h0/c0, like
// PyTorch called without them).
struct LayerPds {
  dnnl::primitive_desc fwd, bwd;
};

LayerPds make_pds(const Options &o, const dnnl::engine &eng, long in, dnnl::rnn_direction dir) {
  const long T = o.seq, B = o.batch, H = o.hidden, D = o.bidirectional ? 2 : 1;
  const long G = gates_of(o.cell);
  const long bias_gates = o.cell == "gru" ? G + 1 : G;  // LBR GRU keeps b_hn apart
  const memory::desc src({T, B, in}, dt::f32, tag::tnc);
  const memory::desc dst({T, B, D * H}, dt::f32, tag::tnc);
  const memory::desc wl({1, D, in, G, H}, dt::f32, tag::any);
  const memory::desc wi({1, D, H, G, H}, dt::f32, tag::any);
  const memory::desc bias({1, D, bias_gates, H}, dt::f32, tag::any);
  const memory::desc none;
  const auto fwd_kind = o.forward_only ? dnnl::prop_kind::forward_inference
                                       : dnnl::prop_kind::forward_training;
  const auto bwd_kind = dnnl::prop_kind::backward;
  LayerPds pds;
  if (o.cell == "lstm") {
    dnnl::lstm_forward::primitive_desc f(
        {fwd_kind, dir, src, none, none, wl, wi, bias, dst, none, none}, eng);
    pds.fwd = f;
    if (!o.forward_only)
      pds.bwd = dnnl::lstm_backward::primitive_desc(
          {bwd_kind, dir, src, none, none, wl, wi, bias, dst, none, none,
           src, none, none, wl, wi, bias, dst, none, none},
          eng, f);
  } else if (o.cell == "gru") {
    dnnl::lbr_gru_forward::primitive_desc f(
        {fwd_kind, dir, src, none, wl, wi, bias, dst, none}, eng);
    pds.fwd = f;
    if (!o.forward_only)
      pds.bwd = dnnl::lbr_gru_backward::primitive_desc(
          {bwd_kind, dir, src, none, wl, wi, bias, dst, none,
           src, none, wl, wi, bias, dst, none},
          eng, f);
  } else {
    const auto act = o.cell == "rnn_tanh" ? dnnl::algorithm::eltwise_tanh
                                          : dnnl::algorithm::eltwise_relu;
    dnnl::vanilla_rnn_forward::primitive_desc f(
        {fwd_kind, act, dir, src, none, wl, wi, bias, dst, none}, eng);
    pds.fwd = f;
    if (!o.forward_only)
      pds.bwd = dnnl::vanilla_rnn_backward::primitive_desc(
          {bwd_kind, act, dir, src, none, wl, wi, bias, dst, none,
           src, none, wl, wi, bias, dst, none},
          eng, f);
  }
  return pds;
}

void fill_random(const memory &m, std::mt19937 &rng, float scale) {
  std::uniform_real_distribution<float> u(-scale, scale);
  auto *p = static_cast<float *>(m.get_data_handle());
  const size_t n = m.get_desc().get_size() / sizeof(float);
  for (size_t i = 0; i < n; ++i) p[i] = u(rng);
}

void zero(const memory &m) { std::memset(m.get_data_handle(), 0, m.get_desc().get_size()); }

// A parameter tensor as a trainer keeps it (plain layout) and as one
// primitive wants it; `to_prim` / `from_prim` are empty when the layouts agree.
struct Param {
  memory user, prim;
  dnnl::reorder to_prim, from_prim;
};

Param make_param(const memory &user, const memory::desc &want, const dnnl::engine &eng,
                 bool gradient) {
  Param p{user, user, {}, {}};
  if (want != user.get_desc()) {
    p.prim = memory(want, eng);
    if (gradient) p.from_prim = dnnl::reorder(p.prim, p.user);
    else p.to_prim = dnnl::reorder(p.user, p.prim);
  }
  return p;
}

void to_prim(Param &p, dnnl::stream &s) {
  if (p.to_prim) p.to_prim.execute(s, p.user, p.prim);
}
void from_prim(Param &p, dnnl::stream &s) {
  if (p.from_prim) p.from_prim.execute(s, p.prim, p.user);
}

// Everything one layer owns: its primitives, parameters (plain + primitive
// layouts, forward and backward want different ones), activations and
// gradients.
struct Layer {
  dnnl::primitive fwd, bwd;
  Param wl_f, wi_f, b_f;        // weights as the forward primitive wants them
  Param wl_b, wi_b, b_b;        // weights as the backward primitive wants them
  Param dwl, dwi, db;           // weight gradients
  memory src, dst, workspace;   // src aliases the previous layer's dst
  memory diff_src, diff_dst;    // diff_dst aliases the next layer's diff_src
};

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Process CPU seconds (user + system), to show how many cores were busy.
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval &t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

}  // namespace

int main(int argc, char **argv) try {
  const Options o = parse(argc, argv);
  if (o.threads > 0) omp_set_num_threads(o.threads);
  const int threads = omp_get_max_threads();

  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream s(eng);
  std::mt19937 rng(42);

  const long T = o.seq, B = o.batch, H = o.hidden, D = o.bidirectional ? 2 : 1;
  const long G = gates_of(o.cell);
  const auto dir = o.bidirectional ? dnnl::rnn_direction::bidirectional_concat
                                   : dnnl::rnn_direction::unidirectional_left2right;
  const float scale = 1.0f / std::sqrt(static_cast<float>(H));  // PyTorch's init range

  std::vector<Layer> layers(static_cast<size_t>(o.layers));
  memory input({{T, B, o.input}, dt::f32, tag::tnc}, eng);
  fill_random(input, rng, 1.0f);
  memory top_diff({{T, B, D * H}, dt::f32, tag::tnc}, eng);  // fixed upstream gradient
  fill_random(top_diff, rng, 1.0f);

  double fwd_flops = 0;
  for (long l = 0; l < o.layers; ++l) {
    Layer &L = layers[static_cast<size_t>(l)];
    const long in = l == 0 ? o.input : D * H;
    fwd_flops += 2.0 * T * B * G * H * static_cast<double>(in + H) * D;
    const LayerPds pds = make_pds(o, eng, in, dir);
    const long bias_gates = o.cell == "gru" ? G + 1 : G;
    memory wl({{1, D, in, G, H}, dt::f32, tag::ldigo}, eng);
    memory wi({{1, D, H, G, H}, dt::f32, tag::ldigo}, eng);
    memory b({{1, D, bias_gates, H}, dt::f32, tag::ldgo}, eng);
    fill_random(wl, rng, scale);
    fill_random(wi, rng, scale);
    fill_random(b, rng, scale);
    auto md = [](const dnnl::primitive_desc &pd, int arg) {
      return pd.query_md(dnnl::query::exec_arg_md, arg);
    };
    L.fwd = dnnl::primitive(pds.fwd);
    L.wl_f = make_param(wl, md(pds.fwd, DNNL_ARG_WEIGHTS_LAYER), eng, false);
    L.wi_f = make_param(wi, md(pds.fwd, DNNL_ARG_WEIGHTS_ITER), eng, false);
    L.b_f = make_param(b, md(pds.fwd, DNNL_ARG_BIAS), eng, false);
    L.src = l == 0 ? input : layers[static_cast<size_t>(l - 1)].dst;
    L.dst = memory(md(pds.fwd, DNNL_ARG_DST_LAYER), eng);
    if (o.forward_only) continue;
    L.workspace = memory(md(pds.fwd, DNNL_ARG_WORKSPACE), eng);
    L.bwd = dnnl::primitive(pds.bwd);
    L.wl_b = make_param(wl, md(pds.bwd, DNNL_ARG_WEIGHTS_LAYER), eng, false);
    L.wi_b = make_param(wi, md(pds.bwd, DNNL_ARG_WEIGHTS_ITER), eng, false);
    L.b_b = make_param(b, md(pds.bwd, DNNL_ARG_BIAS), eng, false);
    L.dwl = make_param(memory(wl.get_desc(), eng), md(pds.bwd, DNNL_ARG_DIFF_WEIGHTS_LAYER), eng, true);
    L.dwi = make_param(memory(wi.get_desc(), eng), md(pds.bwd, DNNL_ARG_DIFF_WEIGHTS_ITER), eng, true);
    L.db = make_param(memory(b.get_desc(), eng), md(pds.bwd, DNNL_ARG_DIFF_BIAS), eng, true);
    L.diff_src = memory(md(pds.bwd, DNNL_ARG_DIFF_SRC_LAYER), eng);
  }
  if (!o.forward_only)
    for (long l = 0; l < o.layers; ++l)
      layers[static_cast<size_t>(l)].diff_dst =
          l + 1 == o.layers ? top_diff : layers[static_cast<size_t>(l + 1)].diff_src;

  auto iteration = [&] {
    for (Layer &L : layers) {
      to_prim(L.wl_f, s);
      to_prim(L.wi_f, s);
      to_prim(L.b_f, s);
      std::unordered_map<int, memory> args{
          {DNNL_ARG_SRC_LAYER, L.src}, {DNNL_ARG_WEIGHTS_LAYER, L.wl_f.prim},
          {DNNL_ARG_WEIGHTS_ITER, L.wi_f.prim}, {DNNL_ARG_BIAS, L.b_f.prim},
          {DNNL_ARG_DST_LAYER, L.dst}};
      if (!o.forward_only) args.insert({DNNL_ARG_WORKSPACE, L.workspace});
      L.fwd.execute(s, args);
    }
    if (o.forward_only) return;
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
      Layer &L = *it;
      to_prim(L.wl_b, s);
      to_prim(L.wi_b, s);
      to_prim(L.b_b, s);
      // oneDNN 2.x accumulates into the weight gradients; a fresh step starts at zero.
      zero(L.dwl.prim);
      zero(L.dwi.prim);
      zero(L.db.prim);
      L.bwd.execute(s, {{DNNL_ARG_SRC_LAYER, L.src}, {DNNL_ARG_WEIGHTS_LAYER, L.wl_b.prim},
                        {DNNL_ARG_WEIGHTS_ITER, L.wi_b.prim}, {DNNL_ARG_BIAS, L.b_b.prim},
                        {DNNL_ARG_DST_LAYER, L.dst}, {DNNL_ARG_WORKSPACE, L.workspace},
                        {DNNL_ARG_DIFF_DST_LAYER, L.diff_dst},
                        {DNNL_ARG_DIFF_SRC_LAYER, L.diff_src},
                        {DNNL_ARG_DIFF_WEIGHTS_LAYER, L.dwl.prim},
                        {DNNL_ARG_DIFF_WEIGHTS_ITER, L.dwi.prim},
                        {DNNL_ARG_DIFF_BIAS, L.db.prim}});
      from_prim(L.dwl, s);
      from_prim(L.dwi, s);
      from_prim(L.db, s);
    }
  };

  for (int i = 0; i < o.warmup; ++i) iteration();
  s.wait();
  std::vector<double> ms;
  const double cpu0 = cpu_seconds();
  const auto wall0 = std::chrono::steady_clock::now();
  for (int i = 0; i < o.repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    iteration();
    s.wait();
    const auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  const double cpu_per_wall =
      (cpu_seconds() - cpu0) /
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  const double median = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  const double tokens_per_s = static_cast<double>(T * B) / (median / 1e3);
  const double flops = o.forward_only ? fwd_flops : 3.0 * fwd_flops;
  const double gflops = flops / (median / 1e3) / 1e9;
  const double rss = peak_rss_mb();

  if (o.json) {
    std::printf(
        "{\"impl\":\"onednn\",\"cell\":\"%s\",\"hidden\":%ld,\"input\":%ld,\"layers\":%ld,"
        "\"batch\":%ld,\"seq\":%ld,\"bidirectional\":%s,\"threads\":%d,\"mode\":\"%s\","
        "\"median_ms\":%.3f,\"min_ms\":%.3f,\"tokens_per_s\":%.1f,\"gflops\":%.2f,\"peak_rss_mb\":%.1f,"
        "\"cpu_per_wall\":%.2f}\n",
        o.cell.c_str(), H, o.input, o.layers, B, T, o.bidirectional ? "true" : "false", threads,
        o.forward_only ? "forward" : "train", median, ms.front(), tokens_per_s, gflops, rss,
        cpu_per_wall);
  } else {
    std::printf(
        "onednn %s %s H=%ld I=%ld L=%ld%s B=%ld T=%ld threads=%d: median %.2f ms/iter, "
        "%.0f tok/s, %.1f GFLOP/s, peak RSS %.1f MB, cpu/wall %.2f (%d repeats)\n",
        o.cell.c_str(), o.forward_only ? "forward" : "train", H, o.input, o.layers,
        o.bidirectional ? " bi" : "", B, T, threads, median, tokens_per_s, gflops, rss,
        cpu_per_wall, o.repeats);
  }
  return 0;
} catch (const dnnl::error &e) {
  std::fprintf(stderr, "onednn_anchor: oneDNN error: %s (status %d)\n", e.what(),
               static_cast<int>(e.status));
  return 1;
} catch (const std::exception &e) {
  std::fprintf(stderr, "onednn_anchor: %s\n", e.what());
  return 1;
}
