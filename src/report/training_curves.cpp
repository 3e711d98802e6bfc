#include "recur/training_curves.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace recur {
namespace {

constexpr size_t kMaxProblems = 5;  // then "and N more"

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

// NaN for an empty field; false when the field is not a number.
bool parse_number(const std::string& text, double& value) {
  if (text.empty()) {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  char* end = nullptr;
  errno = 0;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && errno == 0;
}

}  // namespace

std::vector<double> TrainingCurves::column(const std::string& name) const {
  if (auto it = columns.find(name); it != columns.end()) return it->second;
  return std::vector<double>(rows, std::numeric_limits<double>::quiet_NaN());
}

TrainingCurves TrainingCurves::read(const std::filesystem::path& csv) {
  TrainingCurves curves;
  const std::string where = csv.string();
  std::ifstream in(csv, std::ios::binary);
  if (!std::filesystem::exists(csv)) {
    curves.problems.push_back(where + " is missing: the run has logged nothing yet, or this is not a run folder");
    return curves;
  }
  if (!in) {
    curves.problems.push_back(where + " cannot be read");
    return curves;
  }
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.empty()) {
    curves.problems.push_back(where + " is empty: the run has logged nothing yet");
    return curves;
  }
  std::vector<std::string> lines;
  size_t start = 0;
  bool last_complete = true;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      lines.push_back(text.substr(start));
      last_complete = false;
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (auto& line : lines)
    if (!line.empty() && line.back() == '\r') line.pop_back();

  const std::vector<std::string> header = split_fields(lines[0]);
  if (std::find(header.begin(), header.end(), "iteration") == header.end()) {
    curves.problems.push_back(fmt::format("{}:1: the header has no 'iteration' column; is this recur's log.csv?", where));
    return curves;
  }
  if (lines.size() == 1 && !last_complete) {
    curves.problems.push_back(fmt::format("{}:1: the header is cut short", where));
    return curves;
  }
  for (const auto& name : header) curves.columns[name];
  size_t skipped = 0;
  auto note = [&](std::string problem) {
    if (curves.problems.size() < kMaxProblems) curves.problems.push_back(std::move(problem));
    else ++skipped;
  };
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::vector<std::string> fields = split_fields(lines[i]);
    const size_t line_number = i + 1;
    const bool partial = i + 1 == lines.size() && !last_complete;
    if (partial) {
      note(fmt::format("{}:{}: the line is cut short ({} of {} fields, no line end: the run may be writing it); it "
                       "was left out",
                       where, line_number, fields.size(), header.size()));
      continue;
    }
    if (fields.size() > header.size()) {
      note(fmt::format("{}:{}: {} fields for a header of {}; the line was left out", where, line_number, fields.size(),
                       header.size()));
      continue;
    }
    std::vector<double> values(header.size(), std::numeric_limits<double>::quiet_NaN());
    bool ok = true;
    for (size_t f = 0; f < fields.size(); ++f)
      if (!parse_number(fields[f], values[f])) {
        note(fmt::format("{}:{}: {} is not a number ('{}'); the line was left out", where, line_number, header[f],
                         fields[f].substr(0, 20)));
        ok = false;
        break;
      }
    if (!ok) continue;
    // A row with fewer fields than the header comes from an older recur: its
    // missing trailing columns stay NaN.
    for (size_t f = 0; f < header.size(); ++f) curves.columns[header[f]].push_back(values[f]);
    ++curves.rows;
  }
  if (skipped > 0) curves.problems.push_back(fmt::format("{}: and {} more lines left out", where, skipped));
  if (curves.rows == 0) curves.problems.push_back(where + " holds no complete row yet");
  return curves;
}

}  // namespace recur
