// Optimizers against steps computed by hand: each test writes torch.optim's
// formula out again, element by element, for three steps on a tiny tensor.
// (tests/test_optimizer_parity.cpp compares against PyTorch itself.)
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "recur/optimizer.h"

namespace recur {
namespace {

constexpr int kSteps = 3;
const double kInitial[2] = {1.0, -0.5};
const double kGrads[kSteps][2] = {{0.5, -1.0}, {0.2, 0.3}, {-0.4, 0.1}};
const double kLearningRates[kSteps] = {0.1, 0.05, 0.1};

// Runs `name` for kSteps on w = kInitial with kGrads; returns w after each step.
std::vector<std::array<double, 2>> run(const std::string& name, const OptimizerOptions& options) {
  Parameter<double> w("w", {2});
  w.value[0] = kInitial[0];
  w.value[1] = kInitial[1];
  auto optimizer = make_optimizer<double>(name, options, {&w});
  std::vector<std::array<double, 2>> values;
  for (int s = 0; s < kSteps; ++s) {
    w.grad[0] = kGrads[s][0];
    w.grad[1] = kGrads[s][1];
    optimizer->step(kLearningRates[s]);
    values.push_back({w.value[0], w.value[1]});
  }
  EXPECT_EQ(optimizer->step_count(), kSteps);
  return values;
}

// Compares run() with `expected(step, element, p)` -> p after the step, the
// formula applied to one element at a time with its own state.
template <typename Formula>
void expect_steps(const std::string& name, const OptimizerOptions& options, Formula formula) {
  const auto actual = run(name, options);
  for (int i = 0; i < 2; ++i) {
    auto state = formula.initial_state();
    double p = kInitial[i];
    for (int s = 0; s < kSteps; ++s) {
      p = formula.step(state, p, kGrads[s][i], kLearningRates[s], s + 1);
      EXPECT_NEAR(actual[s][i], p, 1e-14 * std::max(1.0, std::abs(p))) << name << " step " << s + 1 << " element " << i;
    }
  }
}

TEST(OptimizerHandComputed, SgdPlainFirstStepLiterally) {
  // p = 1 - 0.1 * 0.5 = 0.95;  p = -0.5 - 0.1 * -1 = -0.4
  const auto values = run("sgd", {});
  EXPECT_DOUBLE_EQ(values[0][0], 0.95);
  EXPECT_DOUBLE_EQ(values[0][1], -0.4);
}

struct SgdFormula {
  double momentum, dampening, weight_decay;
  bool nesterov;
  struct State {
    double buf = 0;
  };
  State initial_state() const { return {}; }
  double step(State& s, double p, double g, double lr, int step) const {
    double d = g + weight_decay * p;
    if (momentum != 0) {
      s.buf = step == 1 ? d : momentum * s.buf + (1 - dampening) * d;
      d = nesterov ? d + momentum * s.buf : s.buf;
    }
    return p - lr * d;
  }
};

TEST(OptimizerHandComputed, Sgd) {
  expect_steps("sgd", {.weight_decay = 0.1}, SgdFormula{0, 0, 0.1, false});
  expect_steps("sgd", {.momentum = 0.9}, SgdFormula{0.9, 0, 0, false});
  expect_steps("sgd", {.momentum = 0.9, .nesterov = true}, SgdFormula{0.9, 0, 0, true});
  expect_steps("sgd", {.weight_decay = 0.01, .momentum = 0.8, .dampening = 0.3}, SgdFormula{0.8, 0.3, 0.01, false});
}

struct AdagradFormula {
  double weight_decay, lr_decay, initial_accumulator, eps;
  struct State {
    double sum;
  };
  State initial_state() const { return {initial_accumulator}; }
  double step(State& s, double p, double g, double lr, int step) const {
    g += weight_decay * p;
    const double clr = lr / (1 + (step - 1) * lr_decay);
    s.sum += g * g;
    return p - clr * g / (std::sqrt(s.sum) + eps);
  }
};

TEST(OptimizerHandComputed, AdagradFirstStepIsSignTimesLr) {
  // sum = g^2, so the first step is lr * g / (|g| + 1e-10): min-char-rnn's behaviour.
  const auto values = run("adagrad", {});
  EXPECT_NEAR(values[0][0], 1.0 - 0.1, 1e-9);
  EXPECT_NEAR(values[0][1], -0.5 + 0.1, 1e-9);
}

TEST(OptimizerHandComputed, Adagrad) {
  expect_steps("adagrad", {}, AdagradFormula{0, 0, 0, 1e-10});
  expect_steps("adagrad", {.weight_decay = 0.05, .eps = 1e-3, .lr_decay = 0.5, .initial_accumulator_value = 0.2},
               AdagradFormula{0.05, 0.5, 0.2, 1e-3});
}

struct RmspropFormula {
  double alpha, eps, weight_decay, momentum;
  bool centered;
  struct State {
    double square_avg = 0, grad_avg = 0, buf = 0;
  };
  State initial_state() const { return {}; }
  double step(State& s, double p, double g, double lr, int) const {
    g += weight_decay * p;
    s.square_avg = alpha * s.square_avg + (1 - alpha) * g * g;
    double avg;
    if (centered) {
      s.grad_avg = alpha * s.grad_avg + (1 - alpha) * g;
      avg = std::sqrt(s.square_avg - s.grad_avg * s.grad_avg) + eps;
    } else {
      avg = std::sqrt(s.square_avg) + eps;
    }
    if (momentum > 0) {
      s.buf = momentum * s.buf + g / avg;
      return p - lr * s.buf;
    }
    return p - lr * g / avg;
  }
};

TEST(OptimizerHandComputed, Rmsprop) {
  expect_steps("rmsprop", {}, RmspropFormula{0.99, 1e-8, 0, 0, false});
  expect_steps("rmsprop", {.weight_decay = 0.01, .momentum = 0.9, .alpha = 0.95},
               RmspropFormula{0.95, 1e-8, 0.01, 0.9, false});
  expect_steps("rmsprop", {.momentum = 0.5, .eps = 1e-4, .centered = true}, RmspropFormula{0.99, 1e-4, 0, 0.5, true});
}

struct AdamFormula {
  double beta1, beta2, eps, weight_decay;
  bool decoupled;
  struct State {
    double m = 0, v = 0;
  };
  State initial_state() const { return {}; }
  double step(State& s, double p, double g, double lr, int step) const {
    if (decoupled)
      p *= 1 - lr * weight_decay;
    else
      g += weight_decay * p;
    s.m = beta1 * s.m + (1 - beta1) * g;
    s.v = beta2 * s.v + (1 - beta2) * g * g;
    const double m_hat = s.m / (1 - std::pow(beta1, step));
    const double v_hat = s.v / (1 - std::pow(beta2, step));
    // PyTorch adds eps to sqrt(v)/sqrt(1 - beta2^t), which is sqrt(v_hat).
    return p - lr * m_hat / (std::sqrt(v_hat) + eps);
  }
};

TEST(OptimizerHandComputed, AdamFirstStepIsLrTimesSign) {
  // m_hat = g, v_hat = g^2 after one step: p moves by lr * g / (|g| + eps).
  const auto values = run("adam", {});
  EXPECT_NEAR(values[0][0], 1.0 - 0.1, 1e-7);
  EXPECT_NEAR(values[0][1], -0.5 + 0.1, 1e-7);
}

TEST(OptimizerHandComputed, Adam) {
  expect_steps("adam", {}, AdamFormula{0.9, 0.999, 1e-8, 0, false});
  expect_steps("adam", {.weight_decay = 0.1, .eps = 1e-3, .beta1 = 0.5, .beta2 = 0.9}, AdamFormula{0.5, 0.9, 1e-3, 0.1, false});
}

TEST(OptimizerHandComputed, AdamW) {
  expect_steps("adamw", {}, AdamFormula{0.9, 0.999, 1e-8, 0.01, true});  // PyTorch's default decay 0.01
  expect_steps("adamw", {.weight_decay = 0.3, .beta1 = 0.8}, AdamFormula{0.8, 0.999, 1e-8, 0.3, true});
}

TEST(OptimizerHandComputed, FloatMatchesDouble) {
  Parameter<float> wf("w", {2});
  Parameter<double> wd("w", {2});
  auto of = make_optimizer<float>("adam", {}, {&wf});
  auto od = make_optimizer<double>("adam", {}, {&wd});
  for (int s = 0; s < kSteps; ++s) {
    for (int i = 0; i < 2; ++i) {
      wf.grad[i] = static_cast<float>(kGrads[s][i]);
      wd.grad[i] = kGrads[s][i];
    }
    of->step(kLearningRates[s]);
    od->step(kLearningRates[s]);
  }
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(wf.value[i], wd.value[i], 1e-6);
}

TEST(OptimizerOptions, DefaultsArePyTorchs) {
  const auto adamw = resolve_optimizer_options("adamw", {});
  EXPECT_EQ(*adamw.weight_decay, 0.01);
  EXPECT_EQ(*adamw.beta1, 0.9);
  EXPECT_EQ(*adamw.beta2, 0.999);
  EXPECT_EQ(*adamw.eps, 1e-8);
  EXPECT_EQ(*resolve_optimizer_options("adam", {}).weight_decay, 0.0);
  EXPECT_EQ(*resolve_optimizer_options("adagrad", {}).eps, 1e-10);
  EXPECT_EQ(*resolve_optimizer_options("rmsprop", {}).alpha, 0.99);
  EXPECT_FALSE(resolve_optimizer_options("rmsprop", {}).beta1.has_value());
  EXPECT_EQ(optimizer_names().size(), 5u);
}

std::string options_error(const std::string& name, const OptimizerOptions& options) {
  try {
    resolve_optimizer_options(name, options);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(OptimizerOptions, ClearErrors) {
  EXPECT_EQ(options_error("adamx", {}), "unknown optimizer 'adamx' (expected one of sgd, adagrad, rmsprop, adam, adamw)");
  EXPECT_EQ(options_error("adam", {.momentum = 0.9}), "optimizer adam has no option momentum (it belongs to sgd, rmsprop)");
  EXPECT_EQ(options_error("adam", {.beta1 = 1.0}), "optimizer adam: beta1 must be in [0, 1), got 1");
  EXPECT_EQ(options_error("sgd", {.weight_decay = -1}), "optimizer sgd: weight_decay must be >= 0 and finite, got -1");
  EXPECT_EQ(options_error("sgd", {.nesterov = true}), "optimizer sgd: Nesterov momentum needs momentum > 0 and dampening 0");
  EXPECT_EQ(options_error("rmsprop", {.alpha = 1.5}), "optimizer rmsprop: alpha must be in [0, 1], got 1.5");
  EXPECT_EQ(options_error("adagrad", {.eps = NAN}), "optimizer adagrad: eps must be >= 0 and finite, got nan");
  EXPECT_THROW(make_optimizer<float>("lbfgs", {}, {}), std::invalid_argument);
}

// The front end names its own flag for the option at fault (train.cpp: --lr-decay).
TEST(OptimizerOptions, ErrorsNameTheOptionAtFault) {
  const auto option_at_fault = [](const std::string& name, const OptimizerOptions& options) -> std::string {
    try {
      resolve_optimizer_options(name, options);
    } catch (const OptimizerOptionError& e) {
      return e.option;
    }
    return "(no OptimizerOptionError)";
  };
  EXPECT_EQ(option_at_fault("adam", {.centered = true}), "centered");
  EXPECT_EQ(option_at_fault("sgd", {.momentum = 0.9, .dampening = 1.5}), "dampening");
  EXPECT_EQ(option_at_fault("adagrad", {.lr_decay = -1}), "lr_decay");
  EXPECT_EQ(option_at_fault("adagrad", {.initial_accumulator_value = -0.5}), "initial_accumulator_value");
  EXPECT_EQ(option_at_fault("sgd", {.momentum = 0.9, .dampening = 0.5, .nesterov = true}), "nesterov");
  // An unknown optimizer is no option's fault: a plain std::invalid_argument.
  EXPECT_THROW(option_at_fault("lbfgs", {}), std::invalid_argument);
}

TEST(OptimizerOptions, JsonRoundTripAndUnknownKeys) {
  const OptimizerOptions options{.momentum = 0.9, .nesterov = true};
  const nlohmann::json json = options.to_json();
  EXPECT_EQ(json, nlohmann::json::parse(R"({"momentum": 0.9, "nesterov": true})"));
  EXPECT_EQ(OptimizerOptions::from_json(json).to_json(), json);
  EXPECT_THROW(OptimizerOptions::from_json(nlohmann::json::parse(R"({"betas": [0.9, 0.99]})")), std::invalid_argument);
  EXPECT_THROW(OptimizerOptions::from_json(nlohmann::json::parse(R"({"nesterov": 1})")), std::invalid_argument);
}

TEST(Optimizer, RejectsBadLearningRateAndDuplicateNames) {
  Parameter<float> a("a", {2}), b("a", {3});
  EXPECT_THROW(make_optimizer<float>("sgd", {}, {&a, &b}), std::invalid_argument);
  auto sgd = make_optimizer<float>("sgd", {}, {&a});
  EXPECT_THROW(sgd->step(-0.1), std::invalid_argument);
  EXPECT_THROW(sgd->step(INFINITY), std::invalid_argument);
  EXPECT_EQ(sgd->step_count(), 0);
}

// Runs two optimizers side by side: one straight through, one saved and restored midway.
void expect_exact_resume(const std::string& name, const OptimizerOptions& options) {
  Parameter<float> w("layer.weight", {2, 3}), b("layer.bias", {3});
  for (int i = 0; i < 6; ++i) w.value[i] = 0.1f * static_cast<float>(i) - 0.2f;
  Parameter<float> w2 = w, b2 = b;
  auto straight = make_optimizer<float>(name, options, {&w, &b});
  auto first_half = make_optimizer<float>(name, options, {&w2, &b2});
  const auto set_grads = [](int step, Parameter<float>& wp, Parameter<float>& bp) {
    for (int i = 0; i < 6; ++i) wp.grad[i] = std::sin(static_cast<float>(step * 7 + i));
    for (int i = 0; i < 3; ++i) bp.grad[i] = std::cos(static_cast<float>(step * 3 + i));
  };
  for (int step = 0; step < 3; ++step) {
    set_grads(step, w, b);
    set_grads(step, w2, b2);
    straight->step(0.01);
    first_half->step(0.01);
  }
  // Through JSON text, as a checkpoint stores it.
  OptimizerState<float> saved = first_half->state();
  saved.scalars = nlohmann::json::parse(saved.scalars.dump());
  first_half.reset();
  auto resumed = restore_optimizer<float>(saved, {&w2, &b2});
  EXPECT_EQ(resumed->step_count(), 3);
  for (int step = 3; step < 6; ++step) {
    set_grads(step, w, b);
    set_grads(step, w2, b2);
    straight->step(0.01);
    resumed->step(0.01);
  }
  EXPECT_EQ(w.value.values(), w2.value.values()) << name;
  EXPECT_EQ(b.value.values(), b2.value.values()) << name;
}

TEST(OptimizerState, ExactResumeForEveryOptimizer) {
  expect_exact_resume("sgd", {.momentum = 0.9, .nesterov = true});
  expect_exact_resume("adagrad", {});
  expect_exact_resume("rmsprop", {.momentum = 0.5, .centered = true});
  expect_exact_resume("adam", {});
  expect_exact_resume("adamw", {});
}

TEST(OptimizerState, TensorNamesAndScalars) {
  Parameter<float> w("rnn.weight_ih_l0", {2});
  auto adam = make_optimizer<float>("adam", {.beta1 = 0.8}, {&w});
  adam->step(0.1);
  const OptimizerState<float> state = adam->state();
  ASSERT_EQ(state.tensors.size(), 2u);
  EXPECT_TRUE(state.tensors.contains("optimizer.rnn.weight_ih_l0.exp_avg"));
  EXPECT_TRUE(state.tensors.contains("optimizer.rnn.weight_ih_l0.exp_avg_sq"));
  EXPECT_EQ(state.scalars["optimizer"], "adam");
  EXPECT_EQ(state.scalars["step"], 1);
  EXPECT_EQ(state.scalars["options"]["beta1"], 0.8);

  auto sgd = make_optimizer<float>("sgd", {}, {&w});
  EXPECT_TRUE(sgd->state().tensors.empty());  // plain SGD keeps no buffers
  auto rmsprop = make_optimizer<float>("rmsprop", {.momentum = 0.9, .centered = true}, {&w});
  EXPECT_EQ(rmsprop->state().tensors.size(), 3u);  // square_avg, momentum_buffer, grad_avg
}

std::string load_error(Optimizer<float>& optimizer, const OptimizerState<float>& state) {
  try {
    optimizer.load_state(state);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(OptimizerState, LoadRejectsMismatchesAndChangesNothing) {
  Parameter<float> w("w", {2});
  auto adam = make_optimizer<float>("adam", {}, {&w});
  adam->step(0.1);
  const OptimizerState<float> good = adam->state();

  Parameter<float> other("w", {2});
  auto target = make_optimizer<float>("adam", {}, {&other});

  auto wrong_name = good;
  wrong_name.scalars["optimizer"] = "sgd";
  EXPECT_NE(load_error(*target, wrong_name).find("saved by \"sgd\""), std::string::npos);

  auto wrong_options = good;
  wrong_options.scalars["options"]["beta2"] = 0.99;
  EXPECT_NE(load_error(*target, wrong_options).find("saved with options"), std::string::npos);

  auto missing = good;
  missing.tensors.erase("optimizer.w.exp_avg_sq");
  EXPECT_NE(load_error(*target, missing).find("missing tensor optimizer.w.exp_avg_sq"), std::string::npos);

  auto wrong_shape = good;
  wrong_shape.tensors["optimizer.w.exp_avg"] = Tensor<float>({3});
  EXPECT_NE(load_error(*target, wrong_shape).find("has shape [3]"), std::string::npos);

  auto extra = good;
  extra.tensors["optimizer.v.exp_avg"] = Tensor<float>({2});
  extra.tensors["rnn.weight_ih_l0"] = Tensor<float>({2});  // not an optimizer tensor: ignored
  EXPECT_NE(load_error(*target, extra).find("unexpected tensor optimizer.v.exp_avg"), std::string::npos);

  EXPECT_EQ(target->step_count(), 0);
  EXPECT_EQ(target->state().tensors.at("optimizer.w.exp_avg").values(), std::vector<float>(2, 0.0f));

  // Spelling out a default is the same options.
  auto explicit_default = good;
  explicit_default.scalars["options"] = nlohmann::json::object();
  EXPECT_EQ(load_error(*target, explicit_default), "(no error)");
  EXPECT_EQ(target->step_count(), 1);
}

}  // namespace
}  // namespace recur
