#include "recur/char_lm_task.h"

#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "recur/char_lm_evaluation.h"
#include "recur/option_error.h"
#include "recur/sharding.h"

namespace recur {

namespace {
int64_t stream_steps(const std::vector<int64_t>& tokens, int64_t batch, int64_t seq) {
  if (seq > 0) return seq;
  // Full BPTT: one chunk covers a whole stream.
  if (batch < 1) throw OptionError("batch", "batch must be >= 1");
  return std::max<int64_t>(1, (static_cast<int64_t>(tokens.size()) - 1) / batch);
}

}  // namespace

CharLanguageModelTask::CharLanguageModelTask(CharModel model, CharCorpusSplit data, int64_t batch, int64_t seq)
    : model_(std::move(model)),
      data_(std::move(data)),
      batcher_(data_.train, batch, stream_steps(data_.train, batch, seq)),
      eval_steps_(seq > 0 ? seq : 100),
      streams_{0, batcher_.streams()} {}

void CharLanguageModelTask::distribute(const Communicator& group) {
  const Shard streams = group.shard(batcher_.streams());
  if (streams.empty())
    throw OptionError("batch", fmt::format("batch {} leaves {} without a stream: give every process one at least "
                                           "(batch >= {})",
                                           batcher_.streams(), describe_rank(group), group.size()));
  group_ = &group;
  streams_ = streams;
  state_ = RecurrentState<float>();
}

std::unique_ptr<CharLanguageModelTask> CharLanguageModelTask::from_checkpoint(const Checkpoint& checkpoint) {
  const std::string where = checkpoint.path.string();
  CharModel model = CharModel::from_checkpoint(checkpoint);
  if (!checkpoint.training.contains("data"))
    throw FormatError(where + ": recur.training records no training data (\"data\")");
  const CharDataRecord record = CharDataRecord::from_json(checkpoint.training.at("data"), where);
  if (record.batch < 1) throw FormatError(where + ": recur.training \"data\" records no batch size");
  const TextCorpus corpus = read_recorded_text(record, where);
  if (!record.fingerprint)
    std::cerr << fmt::format("recur: warning: {} records no fingerprint of its training text (written by an older "
                             "recur); only its set of characters is checked\n",
                             where);
  if (const std::string change = describe_text_change(corpus, model.vocabulary, record); !change.empty())
    throw std::invalid_argument(fmt::format("the training text {} differs from the text {} was trained on ({}): "
                                            "restore that text to resume the run, or start a new run on this one",
                                            fmt::join(record.paths, ", "), where, change));
  CharDataRecord now = record;
  now.fingerprint = corpus.fingerprint();  // records from older versions gain one
  CharCorpusSplit data = split_char_corpus(corpus, model.vocabulary, now);
  return std::make_unique<CharLanguageModelTask>(std::move(model), std::move(data), record.batch, record.seq);
}

double CharLanguageModelTask::epochs_done() const {
  return static_cast<double>(epoch_) +
         static_cast<double>(batcher_.position()) / static_cast<double>(batcher_.stream_length());
}

TaskLoss CharLanguageModelTask::train_step(Rng& rng) {
  if (!batcher_.next(batch_)) {
    // A new epoch: the streams start over, so does the state.
    ++epoch_;
    batcher_.restart();
    reset_carried_state();
    batcher_.next(batch_);
  }
  const StreamBatch& mine = group_->distributed() ? shard_batch_ : batch_;
  if (group_->distributed()) {
    shard_batch_.steps = batch_.steps;
    shard_batch_.streams = streams_.size();
    shard_batch_.inputs = take_columns(batch_.inputs, batch_.steps, batch_.streams, 1, streams_);
    shard_batch_.targets = take_columns(batch_.targets, batch_.steps, batch_.streams, 1, streams_);
  }
  LanguageModel& lm = *model_.model;
  const CrossEntropyResult<float> result =
      lm.forward(mine.inputs, mine.targets, mine.steps, mine.streams, state_, /*training=*/true, &rng);
  lm.backward();
  return {result.sum_loss, result.count};
}

bool CharLanguageModelTask::has(DataPart part) const {
  const auto& tokens = part == DataPart::Validation ? data_.validation : data_.test;
  return tokens.size() >= 2;
}

TaskLoss CharLanguageModelTask::evaluate(DataPart part) {
  const auto& tokens = part == DataPart::Validation ? data_.validation : data_.test;
  const CharEvaluation result = evaluate_tokens(*model_.model, tokens, batcher_.streams(), eval_steps_);
  return {result.total_nats, result.count};
}

nlohmann::json CharLanguageModelTask::save_position(Checkpoint& checkpoint) const {
  // The state of all streams, whichever process carries them: the checkpoint resumes on any number.
  const int64_t streams = batcher_.streams();
  if (!state_.h.empty()) checkpoint.tensors["state.h"] = gather_columns(*group_, state_.h, streams);
  if (!state_.c.empty()) checkpoint.tensors["state.c"] = gather_columns(*group_, state_.c, streams);
  return {{"epoch", epoch_}, {"batcher_position", batcher_.position()}};
}

void CharLanguageModelTask::restore_position(const nlohmann::json& position, const Checkpoint& checkpoint) {
  epoch_ = position.at("epoch").get<int64_t>();
  batcher_.set_position(position.at("batcher_position").get<int64_t>());
  state_ = RecurrentState<float>();
  if (checkpoint.has("state.h")) state_.h = checkpoint.tensor("state.h");
  if (checkpoint.has("state.c")) state_.c = checkpoint.tensor("state.c");
  const Shape expected{model_.model->config().num_layers, batcher_.streams(), model_.model->config().hidden_size};
  if ((!state_.h.empty() && state_.h.shape() != expected) || (!state_.c.empty() && state_.c.shape() != expected))
    throw std::invalid_argument("carried state has shape " + shape_string(state_.h.shape()) + ", this run needs " +
                                shape_string(expected) + " (was the batch size changed?)");
  state_.h = take_columns(state_.h, streams_);
  state_.c = take_columns(state_.c, streams_);
}

}  // namespace recur
