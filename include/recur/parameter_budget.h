// ParameterBudget: a bound on the parameters a model may allocate while it is
// rebuilt from a checkpoint's configuration.
//
// A model is built from the sizes its checkpoint's JSON records, and only then
// are its tensors compared with the stored ones. A corrupt or hostile size
// (hidden_size 200000) would allocate gigabytes before that comparison could
// refuse it. A model can need no more parameters than its checkpoint stores,
// so while a budget lives on a thread, every new Parameter counts its
// elements against it and throws FormatError, naming the file, past it.
#pragma once

#include <cstdint>
#include <string>

namespace recur {

class ParameterBudget {
 public:
  // `elements`: how many the model may allocate; `source` names the checkpoint in the error.
  ParameterBudget(int64_t elements, std::string source);
  ~ParameterBudget();
  ParameterBudget(const ParameterBudget&) = delete;
  ParameterBudget& operator=(const ParameterBudget&) = delete;

  // Called by Parameter's constructor before it allocates: throws FormatError
  // when the active budget (if any) cannot hold `elements` more.
  static void charge(int64_t elements);

 private:
  int64_t remaining_;
  std::string source_;
  ParameterBudget* outer_;
};

}  // namespace recur
