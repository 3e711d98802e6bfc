#include "recur/parameter_budget.h"

#include "recur/format_error.h"

namespace recur {

namespace {
thread_local ParameterBudget* active_budget = nullptr;
}  // namespace

ParameterBudget::ParameterBudget(int64_t elements, std::string source)
    : remaining_(elements), source_(std::move(source)), outer_(active_budget) {
  active_budget = this;
}

ParameterBudget::~ParameterBudget() { active_budget = outer_; }

void ParameterBudget::charge(int64_t elements) {
  ParameterBudget* budget = active_budget;
  if (budget == nullptr) return;
  if (elements > budget->remaining_)
    throw FormatError(budget->source_ + ": its model configuration needs more parameters than the checkpoint stores "
                                        "(a size in recur.model is wrong)");
  budget->remaining_ -= elements;
}

}  // namespace recur
