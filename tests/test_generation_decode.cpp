// GenerationModel::decode on several threads (each taking whole batches on its
// own replica of the model) gives what one thread gives, for greedy decoding
// and beam search, with and without attention.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recur/gemm.h"
#include "recur/generation_model.h"

namespace recur {
namespace {

// Random spellings -> random "phoneme" words: the model is untrained, only its
// decoding is compared.
PairedText random_pairs(int64_t count, Rng& rng) {
  std::string text;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t source_length = 1 + static_cast<int64_t>(rng.uniform(0, 7));
    for (int64_t j = 0; j < source_length; ++j) text += static_cast<char>('a' + static_cast<int>(rng.uniform(0, 6)));
    text += '\t';
    const int64_t target_length = 1 + static_cast<int64_t>(rng.uniform(0, 5));
    for (int64_t j = 0; j < target_length; ++j) text += (j ? " P" : "P") + std::to_string(int(rng.uniform(0, 8)));
    text += '\n';
  }
  return parse_paired_text(text, "pairs.tsv", {TokenUnit::Chars, TokenUnit::Words, true});
}

// Restores the thread count the test changes.
class GenerationDecoding : public ::testing::Test {
 protected:
  void TearDown() override { set_num_threads(saved_); }
  int saved_ = num_threads();
};

TEST_F(GenerationDecoding, SeveralThreadsEqualOneThread) {
  for (AttentionKind attention : {AttentionKind::None, AttentionKind::Additive}) {
    Rng rng(90);
    const PairedText pairs = random_pairs(37, rng);
    GenerationModelOptions options;
    options.source_unit = TokenUnit::Chars;
    options.target_unit = TokenUnit::Words;
    options.config.decoder.embedding = 6;
    options.config.decoder.hidden_size = 12;
    options.config.decoder.attention = attention;
    options.config.encoder = EncoderConfig{.embedding = 6, .hidden_size = 12, .bidirectional = true};
    const GenerationModel model = GenerationModel::build_seq2seq(pairs, options, rng);
    const GenerationData data = model.encode(pairs);
    for (int64_t beam : {1, 3}) {
      const DecodingOptions decoding = model.decoding_options(9, beam, 0.5);
      set_num_threads(1);
      const auto one = model.decode(data, decoding, 4, nullptr);  // 4 at a time: several batches
      set_num_threads(3);
      const auto three = model.decode(data, decoding, 4, nullptr);
      ASSERT_EQ(one.size(), three.size());
      for (size_t n = 0; n < one.size(); ++n) {
        ASSERT_EQ(one[n].size(), three[n].size()) << n;
        for (size_t k = 0; k < one[n].size(); ++k) {
          EXPECT_EQ(one[n][k].tokens, three[n][k].tokens) << "example " << n << " beam " << k;
          EXPECT_NEAR(one[n][k].score, three[n][k].score, 1e-5) << "example " << n << " beam " << k;
        }
      }
    }
  }
}

}  // namespace
}  // namespace recur
