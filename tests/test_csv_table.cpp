// The CSV reader: RFC 4180 quoting, line endings, and every malformed file
// refused with a DataError naming file, row and column.
#include <gtest/gtest.h>

#include <string>

#include "recur/csv_table.h"
#include "recur/data_error.h"
#include "recur/rng.h"
#include "test_files.h"

namespace recur {
namespace {

// The DataError parse_csv raises for `text` (fails the test if none).
DataError csv_error(const std::string& text) {
  try {
    parse_csv(text, "bad.csv");
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return DataError("", 0, "", "");
}

TEST(CsvTable, ReadsHeaderAndRowsWithCrlfAndNoFinalNewline) {
  const CsvTable t = parse_csv("\"Month\",\"Sunspots\"\r\n\"1749-01\",58.0\r\n\"1749-02\",62.6", "s.csv");
  EXPECT_EQ(t.header, (std::vector<std::string>{"Month", "Sunspots"}));
  ASSERT_EQ(t.size(), 2);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1749-01", "58.0"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"1749-02", "62.6"}));
  EXPECT_EQ(t.file_rows, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t.find_column("Sunspots"), 1);
  EXPECT_EQ(t.find_column("sunspots"), -1);
}

TEST(CsvTable, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const CsvTable t = parse_csv("\xEF\xBB\xBF" "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,\"\",3\n\n", "q.csv");
  EXPECT_EQ(t.header[0], "a");  // the byte-order mark is not part of the name
  ASSERT_EQ(t.size(), 2);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"", "", "3"}));
  // The second record starts on line 4: the first spans lines 2 and 3.
  EXPECT_EQ(t.file_rows, (std::vector<int64_t>{2, 4}));
}

TEST(CsvTable, RowOfOtherWidthNamesRowAndFirstMissingColumn) {
  const DataError fewer = csv_error("a,b,c\n1,2,3\n4,5\n");
  EXPECT_EQ(fewer.file, "bad.csv");
  EXPECT_EQ(fewer.row, 3);
  EXPECT_EQ(fewer.column, "c");
  EXPECT_NE(std::string(fewer.what()).find("bad.csv: row 3, column 'c': 2 fields where the header has 3"),
            std::string::npos)
      << fewer.what();
  const DataError more = csv_error("a,b\n1,2,3\n");
  EXPECT_EQ(more.row, 2);
  EXPECT_EQ(more.column, "#3");
}

TEST(CsvTable, DuplicateOrEmptyHeaderNamesAreRefused) {
  const DataError duplicate = csv_error("date,x,x\n1,2,3\n");
  EXPECT_EQ(duplicate.row, 1);
  EXPECT_EQ(duplicate.column, "x");
  EXPECT_NE(std::string(duplicate.what()).find("twice"), std::string::npos);
  const DataError empty = csv_error("a,,c\n1,2,3\n");
  EXPECT_EQ(empty.row, 1);
  EXPECT_EQ(empty.column, "#2");
}

TEST(CsvTable, BadQuotingIsLocated) {
  const DataError stray = csv_error("a,b\n1,x\"y\n");
  EXPECT_EQ(stray.row, 2);
  EXPECT_EQ(stray.column, "b");
  const DataError after = csv_error("a,b\n\"1\"2,3\n");
  EXPECT_EQ(after.row, 2);
  EXPECT_EQ(after.column, "a");
  const DataError unclosed = csv_error("a,b\n1,2\n3,\"open\n4,5\n");
  EXPECT_EQ(unclosed.row, 3);
  EXPECT_EQ(unclosed.column, "b");
  EXPECT_NE(std::string(unclosed.what()).find("never closed"), std::string::npos);
}

TEST(CsvTable, EmptyAndMissingFilesAreNamed) {
  const DataError empty = csv_error("");
  EXPECT_EQ(empty.file, "bad.csv");
  EXPECT_NE(std::string(empty.what()).find("empty"), std::string::npos);
  const auto dir = testing::fresh_directory_for_test("recur_csv_");
  try {
    read_csv_file((dir / "absent.csv").string());
    FAIL() << "no error for a missing file";
  } catch (const DataError& e) {
    EXPECT_EQ(e.file, (dir / "absent.csv").string());
  }
  const CsvTable t = read_csv_file(testing::write_file(dir / "ok.csv", "a\n1\n").string());
  EXPECT_EQ(t.path, (dir / "ok.csv").string());
  EXPECT_EQ(t.rows.at(0).at(0), "1");
}

TEST(CsvTable, HeaderOnlyFileHasNoRows) {
  const CsvTable t = parse_csv("a,b\r\n", "h.csv");
  EXPECT_EQ(t.columns(), 2);
  EXPECT_EQ(t.size(), 0);
}

TEST(CsvTable, RandomTextIsATableOrALocatedError) {
  // Texts drawn from the characters that matter to the grammar: every one
  // either parses into rows of the header's width or raises a DataError
  // naming the file; nothing else (no crash, no other exception).
  const char alphabet[] = {',', '"', '\n', '\r', 'a', 'b'};
  Rng rng(7);
  int tables = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text;
    const auto length = rng.below(24);
    for (uint64_t i = 0; i < length; ++i) text += alphabet[rng.below(sizeof alphabet)];
    try {
      const CsvTable t = parse_csv(text, "random.csv");
      for (const auto& row : t.rows) ASSERT_EQ(row.size(), t.header.size()) << text;
      ASSERT_EQ(t.file_rows.size(), t.rows.size());
      ++tables;
    } catch (const DataError& e) {
      ASSERT_EQ(e.file, "random.csv");
    }
  }
  EXPECT_GT(tables, 100);  // the draw does reach the parser's success path
}

}  // namespace
}  // namespace recur
