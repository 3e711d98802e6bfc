// Pre-trained word vectors in the word2vec / GloVe text format.
#include <gtest/gtest.h>

#include "expect_input_error.h"
#include "recur/word_vectors.h"
#include "test_files.h"

namespace recur {
namespace {

WordVocabulary vocabulary_of(const std::vector<std::string>& words, bool lowercase = false) {
  WordCounts counts;
  counts.add(words);
  return WordVocabulary::build(counts, {.min_count = 1, .lowercase = lowercase});
}

std::vector<float> row(const WordVectors& v, int64_t id) {
  return {v.vectors.begin() + id * v.dim, v.vectors.begin() + (id + 1) * v.dim};
}

class WordVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = testing::fresh_directory_for_test("recur_vectors_") / "v.txt"; }
  // The vectors file, rewritten with `text`.
  std::filesystem::path file(const std::string& text) { return testing::write_file(path_, text); }
  // How errors name it.
  std::string name() const { return path_.string(); }

  std::filesystem::path path_;
};

TEST_F(WordVectorsTest, GloveWithoutHeader) {
  // ids: <pad> <unk> the(2x) cat dog
  const WordVocabulary vocab = vocabulary_of({"the", "the", "cat", "dog"});
  const WordVectors v = read_word_vectors(file("the 0.5 -1 2e-1\nfish 1 2 3\ncat 4 5 6 \n"), vocab);
  EXPECT_EQ(v.dim, 3);
  EXPECT_EQ(v.file_rows, 3);
  EXPECT_EQ(v.found_count, 2);
  EXPECT_EQ(v.missing_count, 1);  // dog
  EXPECT_EQ(v.found, (std::vector<bool>{false, false, true, true, false}));
  EXPECT_EQ(row(v, 2), (std::vector<float>{0.5f, -1.0f, 0.2f}));
  EXPECT_EQ(row(v, 3), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(row(v, 4), (std::vector<float>{0, 0, 0}));
}

TEST_F(WordVectorsTest, Word2vecHeaderAndExpectedDimension) {
  const WordVocabulary vocab = vocabulary_of({"a", "b"});
  const WordVectors v = read_word_vectors(file("2 2\na 1 2\nb 3 4\n"), vocab, 2);
  EXPECT_EQ(v.dim, 2);
  EXPECT_EQ(v.found_count, 2);
  EXPECT_EQ(row(v, 3), (std::vector<float>{3, 4}));
  EXPECT_INPUT_ERROR(read_word_vectors(file("2 3\na 1 2 3\nb 3 4 5\n"), vocab, 2),
                     name() + ":1:3: vectors of dimension 3, the model's embeddings have 2");
  EXPECT_INPUT_ERROR(read_word_vectors(file("3 2\na 1 2\nb 3 4\n"), vocab),
                     name() + ":1: the header says 3 vectors, the file has 2");
}

TEST_F(WordVectorsTest, LowercaseMatchingPrefersTheExactForm) {
  const WordVocabulary vocab = vocabulary_of({"The", "Paris"}, /*lowercase=*/true);  // the, paris
  const WordVectors v = read_word_vectors(file("The 1 1\nthe 2 2\nPARIS 3 3\nParis 4 4\n"), vocab);
  const int64_t the = vocab.id("the"), paris = vocab.id("paris");
  EXPECT_EQ(row(v, the), (std::vector<float>{2, 2}));      // "the" is in normal form: it wins over "The"
  EXPECT_EQ(row(v, paris), (std::vector<float>{3, 3}));    // neither is: the first one
}

TEST_F(WordVectorsTest, WordsWithSpaces) {
  const WordVocabulary vocab = vocabulary_of({"a", "at b"});
  const WordVectors v = read_word_vectors(file("a 1 2\nat b 3 4\n"), vocab);
  EXPECT_EQ(row(v, vocab.id("at b")), (std::vector<float>{3, 4}));
}

TEST_F(WordVectorsTest, MalformedRowsNameTheLine) {
  const WordVocabulary vocab = vocabulary_of({"a"});
  EXPECT_INPUT_ERROR(read_word_vectors(file(""), vocab), name() + ": file is empty");
  EXPECT_INPUT_ERROR(read_word_vectors(file("a 1 2 3\nb 1 2\n"), vocab),
                     name() + ":2: short row: 2 numbers after the word, the first row has 3");
  EXPECT_INPUT_ERROR(read_word_vectors(file("1 3\na 1 2\n"), vocab),
                     name() + ":2: short row: 2 numbers after the word, the header says 3");
  EXPECT_INPUT_ERROR(read_word_vectors(file("a 1 2\nb 1 x2\n"), vocab),
                     name() + ":2:5: 'x2' is not a number (value 2 of 2)");
  EXPECT_INPUT_ERROR(read_word_vectors(file("a 1 nan\n"), vocab), name() + ":1:5: 'nan' is not a number");
  EXPECT_INPUT_ERROR(read_word_vectors(file("a 1 2 3\n"), vocab, 2),
                     name() + ":1: 3 numbers after the word, the model's embeddings have 2");
  EXPECT_INPUT_ERROR(read_word_vectors(file("a 1\n"), vocab, 2),
                     name() + ":1: short row: 1 numbers after the word, the model's embeddings have 2");
}

}  // namespace
}  // namespace recur
