// Micro-benchmarks: one forward and one forward+backward pass of each cell at
// H = 128..1024 (batch 32, 50 steps, input = H). Reported per step; the
// comparison against PyTorch and oneDNN is bench/compare.
#include <benchmark/benchmark.h>

#include "recur/gemm.h"
#include "recur/recurrent.h"

namespace {

using namespace recur;

constexpr int64_t kSteps = 50;
constexpr int64_t kBatch = 32;

struct Fixture {
  Recurrent<float> layer;
  Tensor<float> input, output, grad_output, grad_input;
  RecurrentState<float> initial, final, grad_final, grad_initial;

  Fixture(CellKind cell, int64_t hidden, Rng& rng)
      : layer(RecurrentOptions{.cell = cell, .input_size = hidden, .hidden_size = hidden}, rng),
        input({kSteps, kBatch, hidden}),
        grad_output({kSteps, kBatch, hidden}) {
    for (int64_t i = 0; i < input.numel(); ++i) input[i] = float(rng.uniform(-1, 1));
    for (int64_t i = 0; i < grad_output.numel(); ++i) grad_output[i] = float(rng.uniform(-1, 1));
  }
};

void set_counters(benchmark::State& state, CellKind cell, int64_t hidden, double passes) {
  const double flops_per_step = 2.0 * kBatch * gate_count(cell) * hidden * (2.0 * hidden) * passes;
  state.SetItemsProcessed(state.iterations() * kSteps * kBatch);
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_step * kSteps * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}

void BM_Forward(benchmark::State& state, CellKind cell) {
  Rng rng(1);
  Fixture f(cell, state.range(0), rng);
  for (auto _ : state) f.layer.forward(f.input, f.initial, {}, f.output, f.final);
  set_counters(state, cell, state.range(0), 1.0);
}

void BM_ForwardBackward(benchmark::State& state, CellKind cell) {
  Rng rng(1);
  Fixture f(cell, state.range(0), rng);
  for (auto _ : state) {
    f.layer.forward(f.input, f.initial, {}, f.output, f.final, true);
    f.layer.backward(f.grad_output, f.grad_final, f.grad_input, f.grad_initial);
  }
  set_counters(state, cell, state.range(0), 3.0);
}

}  // namespace

#define RECUR_CELL_BENCH(name, cell)                                                             \
  BENCHMARK_CAPTURE(BM_Forward, name, cell)->RangeMultiplier(2)->Range(128, 1024)->UseRealTime(); \
  BENCHMARK_CAPTURE(BM_ForwardBackward, name, cell)->RangeMultiplier(2)->Range(128, 1024)->UseRealTime();

RECUR_CELL_BENCH(rnn_tanh, recur::CellKind::RnnTanh)
RECUR_CELL_BENCH(lstm, recur::CellKind::Lstm)
RECUR_CELL_BENCH(gru, recur::CellKind::Gru)

BENCHMARK_MAIN();
