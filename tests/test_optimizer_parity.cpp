// Optimizers against PyTorch: tests/fixtures/optimizers/reference.json, written
// by scripts/make_optimizer_reference.py with torch.optim (float32). Every case
// replays the same gradients and learning rates and compares every parameter
// after every step.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "recur/optimizer.h"

namespace recur {
namespace {

nlohmann::json load_reference() {
  std::ifstream in(std::string(RECUR_SOURCE_DIR) + "/tests/fixtures/optimizers/reference.json");
  if (!in) return nullptr;
  return nlohmann::json::parse(in);
}

void set_values(Tensor<float>& tensor, const nlohmann::json& values) {
  ASSERT_EQ(static_cast<int64_t>(values.size()), tensor.numel());
  for (int64_t i = 0; i < tensor.numel(); ++i) tensor[i] = values[static_cast<size_t>(i)].get<float>();
}

TEST(OptimizerParity, MatchesTorchOptim) {
  const nlohmann::json reference = load_reference();
  ASSERT_FALSE(reference.is_null()) << "run /usr/bin/python3 scripts/make_optimizer_reference.py";
  ASSERT_GE(reference["cases"].size(), 10u);
  for (const auto& c : reference["cases"]) {
    const std::string name = c["optimizer"];
    SCOPED_TRACE(name + " " + c["options"].dump());

    std::vector<Parameter<float>> storage;
    for (const auto& [param_name, shape] : c["shapes"].items()) storage.emplace_back(param_name, shape.get<Shape>());
    ParameterList<float> parameters;
    for (auto& p : storage) {
      set_values(p.value, c["initial"][p.name]);
      parameters.push_back(&p);
    }
    auto optimizer = make_optimizer<float>(name, OptimizerOptions::from_json(c["options"]), parameters);

    for (size_t step = 0; step < c["gradients"].size(); ++step) {
      for (auto& p : storage) set_values(p.grad, c["gradients"][step][p.name]);
      optimizer->step(c["learning_rates"][step].get<double>());
      for (const auto& p : storage) {
        const auto& expected = c["expected"][step][p.name];
        for (int64_t i = 0; i < p.value.numel(); ++i) {
          const double want = expected[static_cast<size_t>(i)].get<double>();
          // 1e-6 relative. PyTorch differs by an ulp or so (its vector kernels use
          // FMA); the floor covers parameters that cancel to near 0, where one
          // ulp of an O(1) operand is a large relative error.
          EXPECT_NEAR(p.value[i], want, 1e-6 * std::max(std::abs(want), 0.1))
              << "step " << step + 1 << " " << p.name << "[" << i << "]";
        }
      }
    }
  }
}

}  // namespace
}  // namespace recur
