// TextCorpus: files and directories in, symbols out; every bad input named.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "recur/text_corpus.h"
#include "test_files.h"

namespace recur {
namespace {

namespace fs = std::filesystem;

class TextCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::fresh_directory_for_test("recur_text_corpus_");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path write(const std::string& relative, std::string_view bytes) {
    const fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  // The message of the runtime_error `read` throws.
  std::string read_error(const std::vector<fs::path>& paths, TextUnit unit = TextUnit::CodePoint) {
    try {
      TextCorpus::read(paths, unit);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an error";
    return "";
  }

  fs::path root_;
};

std::u32string as_u32(const TextCorpus& corpus) { return {corpus.symbols().begin(), corpus.symbols().end()}; }

TEST_F(TextCorpusTest, ReadsUtf8AsCodePoints) {
  const fs::path file = write("a.txt", "caf\xC3\xA9\n");
  const TextCorpus corpus = TextCorpus::read({file}, TextUnit::CodePoint);
  EXPECT_EQ(as_u32(corpus), U"café\n");
  ASSERT_EQ(corpus.files().size(), 1u);
  EXPECT_EQ(corpus.files()[0].bytes, 6);
  EXPECT_EQ(corpus.files()[0].symbols, 5);
}

TEST_F(TextCorpusTest, ReadsBytesInByteMode) {
  const fs::path file = write("a.txt", "caf\xC3\xA9\xFF");
  const TextCorpus corpus = TextCorpus::read({file}, TextUnit::Byte);
  EXPECT_EQ(corpus.symbols(), (std::vector<char32_t>{'c', 'a', 'f', 0xC3, 0xA9, 0xFF}));
  EXPECT_EQ(corpus.unit(), TextUnit::Byte);
}

TEST_F(TextCorpusTest, ConcatenatesFilesInTheOrderGiven) {
  const fs::path a = write("a.txt", "first ");
  const fs::path b = write("b.txt", "second");
  EXPECT_EQ(as_u32(TextCorpus::read({b, a}, TextUnit::CodePoint)), U"secondfirst ");
}

// The fingerprint is of the bytes as read, in order: `cat b.txt a.txt`, in
// either unit; a change that keeps every character still changes it.
TEST_F(TextCorpusTest, FingerprintIsOfTheConcatenatedBytes) {
  const fs::path a = write("a.txt", "first ");
  const fs::path b = write("b.txt", "s\xC3\xA9" "cond");
  TextFingerprint expected;
  expected.add("s\xC3\xA9" "condfirst ");
  EXPECT_EQ(TextCorpus::read({b, a}, TextUnit::CodePoint).fingerprint(), expected);
  EXPECT_EQ(TextCorpus::read({b, a}, TextUnit::Byte).fingerprint(), expected);
  EXPECT_NE(TextCorpus::read({a, b}, TextUnit::CodePoint).fingerprint(), expected);
  EXPECT_EQ(TextCorpus::from_text("s\xC3\xA9" "condfirst ", TextUnit::CodePoint).fingerprint(), expected);
}

TEST_F(TextCorpusTest, DirectoriesAreReadRecursivelyInSortedOrder) {
  write("tree/b.txt", "B");
  write("tree/a.txt", "A");
  write("tree/sub/c.txt", "C");
  write("tree/sub/deeper/d.txt", "D");
  write("tree/.hidden", "H");
  write("tree/.git/objects/x", std::string("\0\1", 2));  // hidden directories are skipped whole
  write("tree/empty.txt", "");                           // empty files in a tree add nothing
  const TextCorpus corpus = TextCorpus::read({root_ / "tree"}, TextUnit::CodePoint);
  EXPECT_EQ(as_u32(corpus), U"ABCD");
  EXPECT_EQ(corpus.files().size(), 4u);
  EXPECT_EQ(corpus.files()[2].path, root_ / "tree/sub/c.txt");
}

TEST_F(TextCorpusTest, NulByteIsRefusedAsBinaryInBothUnits) {
  const fs::path file = write("image.bin", std::string("GIF89a\0\0", 8));
  for (TextUnit unit : {TextUnit::CodePoint, TextUnit::Byte}) {
    const std::string message = read_error({file}, unit);
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("NUL byte at offset 6"), std::string::npos) << message;
    EXPECT_NE(message.find("binary"), std::string::npos) << message;
  }
}

TEST_F(TextCorpusTest, InvalidUtf8NamesFileAndOffset) {
  write("dir/good.txt", "fine\n");
  const fs::path bad = write("dir/latin1.txt", "na\xEFve");  // ï in Latin-1
  const std::string message = read_error({root_ / "dir"});
  EXPECT_NE(message.find(bad.string() + ": invalid UTF-8 at byte offset 2"), std::string::npos) << message;
  // The same file is fine as bytes.
  EXPECT_EQ(TextCorpus::read({bad}, TextUnit::Byte).size(), 5);
}

TEST_F(TextCorpusTest, MissingFileIsNamed) {
  const fs::path missing = root_ / "nope.txt";
  const std::string message = read_error({missing});
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;
}

TEST_F(TextCorpusTest, EmptyFileIsNamed) {
  const fs::path empty = write("empty.txt", "");
  const std::string message = read_error({empty});
  EXPECT_NE(message.find(empty.string() + ": file is empty"), std::string::npos) << message;
}

TEST_F(TextCorpusTest, DirectoryWithoutTextIsNamed) {
  fs::create_directories(root_ / "nothing");
  write("nothing/.hidden", "x");
  const std::string message = read_error({root_ / "nothing"});
  EXPECT_NE(message.find((root_ / "nothing").string()), std::string::npos) << message;
}

TEST_F(TextCorpusTest, UnreadableFileIsNamed) {
  const fs::path file = write("secret.txt", "text");
  fs::permissions(file, fs::perms::none);
  if (std::ifstream(file).good()) GTEST_SKIP() << "running as a user who can read anything (root)";
  const std::string message = read_error({file});
  EXPECT_NE(message.find(file.string() + ": cannot open"), std::string::npos) << message;
}

TEST_F(TextCorpusTest, NoPathsIsAnError) { EXPECT_THROW(TextCorpus::read({}, TextUnit::CodePoint), std::runtime_error); }

TEST_F(TextCorpusTest, FromTextChecksLikeAFile) {
  EXPECT_EQ(as_u32(TextCorpus::from_text("h\xC3\xA9", TextUnit::CodePoint)), U"hé");
  EXPECT_THROW(TextCorpus::from_text("", TextUnit::CodePoint), std::runtime_error);
  EXPECT_THROW(TextCorpus::from_text(std::string("a\0b", 3), TextUnit::CodePoint), std::runtime_error);
}

}  // namespace
}  // namespace recur
