// TrainingTask: what the training loop drives. A task owns a model and its
// data; the loop sees only batches going in and losses and gradients coming
// out, so the same Trainer serves the language model, classifiers, taggers and
// forecasters. It knows nothing of characters.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "recur/checkpoint.h"
#include "recur/communicator.h"
#include "recur/parameter.h"
#include "recur/rng.h"

namespace recur {

enum class DataPart { Validation, Test };

// A figure of a held-out part besides its loss (exact match, accuracy, ...),
// named as the task's `eval --json` names it, which the Trainer can select
// checkpoints and stop early by (TrainerOptions::monitor).
struct TaskMetric {
  std::string name;
  bool higher_is_better = true;
};

struct TaskLoss {
  TaskLoss() = default;
  TaskLoss(double sum, int64_t count) : sum(sum), count(count) {}

  double sum = 0;     // summed over the counted targets
  int64_t count = 0;  // targets counted
  // From evaluate() only: the value of each of the task's validation_metrics(), by name.
  std::map<std::string, double> metrics;
  double mean() const { return count > 0 ? sum / static_cast<double>(count) : 0.0; }
};

class TrainingTask {
 public:
  virtual ~TrainingTask() = default;

  virtual ParameterList<float> parameters() = 0;

  // Takes the next training batch (moving to the next epoch when this one is
  // used up), runs forward and backward, and adds the gradients of the batch's
  // mean loss to the parameters. `rng` draws dropout masks.
  virtual TaskLoss train_step(Rng& rng) = 0;
  virtual int64_t tokens_per_step() const = 0;
  virtual int64_t steps_per_epoch() const = 0;
  // Epochs completed plus the fraction of the current one.
  virtual double epochs_done() const = 0;

  // Data-parallel training (communicator.h; the Trainer calls this once).
  // From then on train_step still advances through the global batches — the
  // data position, epochs and what save_position records stay those of the
  // whole batch, whatever the number of processes — but runs forward and
  // backward only on this process's group.shard() of each batch's examples
  // (or streams), returning that shard's loss and the gradients of its mean
  // (nothing, when the shard is empty). State carried per example is gathered
  // by save_position (then collective) and sliced by restore_position.
  // A task that cannot be sharded keeps this default, which refuses a group of
  // more than one process.
  virtual void distribute(const Communicator& group) {
    if (group.distributed())
      throw std::invalid_argument("this task cannot train data-parallel across processes; run it without mpirun");
  }

  // Loss over a whole held-out part; leaves the training position and state alone.
  virtual bool has(DataPart part) const = 0;
  virtual TaskLoss evaluate(DataPart part) = 0;
  // The figures evaluate() gives in TaskLoss::metrics besides the loss; none by default.
  virtual std::vector<TaskMetric> validation_metrics() const { return {}; }

  // Forget state carried between batches (after a step that went non-finite).
  virtual void reset_carried_state() = 0;

  // Exact resume: the data position and carried state go into a checkpoint
  // (tensors under "state.*", the rest as JSON) and come back from it.
  virtual nlohmann::json save_position(Checkpoint& checkpoint) const = 0;
  virtual void restore_position(const nlohmann::json& position, const Checkpoint& checkpoint) = 0;

  // "recur.model" of a checkpoint: what the model is.
  virtual nlohmann::json describe_model() const = 0;
  // Where the data came from, kept in "recur.training" for later evaluation.
  virtual nlohmann::json describe_data() const = 0;
};

}  // namespace recur
