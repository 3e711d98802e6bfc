#include "recur/caption_jsonl.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

#include "data/file_bytes.h"
#include "data/text_lines.h"
#include "recur/input_error.h"

namespace recur {

namespace {

std::string read_text(const nlohmann::json& value, const std::string& file, int64_t line) {
  if (!value.is_string()) throw InputError(file, line, "\"text\" must be a string or a list of strings");
  std::string text = value.get<std::string>();
  if (text.find_first_not_of(" \t") == std::string::npos) throw InputError(file, line, "empty \"text\"");
  return text;
}

}  // namespace

CaptionData parse_caption_jsonl(std::string_view bytes, const std::string& file, const CaptionReadOptions& options) {
  require_content(bytes, file);
  CaptionData result{file, options.width, {}};
  TextLines lines(bytes);
  TextLine line;
  while (lines.next(line)) {
    if (line.blank()) continue;
    require_utf8(line, file);
    const nlohmann::json j = nlohmann::json::parse(line.text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw InputError(file, line.number, "not JSON: a line is {\"vector\": [...], \"text\": \"...\"}");
    if (!j.is_object()) throw InputError(file, line.number, "not a JSON object: a line is {\"vector\": [...], \"text\": \"...\"}");
    CaptionExample example;
    example.line = line.number;
    const auto vector = j.find("vector");
    if (vector == j.end() || !vector->is_array() || vector->empty())
      throw InputError(file, line.number, "\"vector\" must be a non-empty list of numbers");
    for (size_t i = 0; i < vector->size(); ++i) {
      const nlohmann::json& x = (*vector)[i];
      if (!x.is_number() || !std::isfinite(x.get<double>()))
        throw InputError(file, line.number, fmt::format("\"vector\" entry {} is not a finite number", i));
      example.vector.push_back(x.get<double>());
    }
    const int64_t width = static_cast<int64_t>(example.vector.size());
    if (result.width == 0) result.width = width;
    if (width != result.width)
      throw InputError(file, line.number,
                       fmt::format("a vector of width {}, expected {}{}", width, result.width,
                                   options.width ? " (the model's)" : " (the first line's)"));
    if (const auto text = j.find("text"); text != j.end() && !text->is_null()) {
      if (text->is_array()) {
        for (const nlohmann::json& t : *text) example.texts.push_back(read_text(t, file, line.number));
        if (example.texts.empty()) throw InputError(file, line.number, "\"text\" is an empty list");
      } else {
        example.texts.push_back(read_text(*text, file, line.number));
      }
    } else if (options.texts_required) {
      throw InputError(file, line.number, "missing \"text\"");
    }
    result.examples.push_back(std::move(example));
  }
  return result;
}

CaptionData read_caption_jsonl(const std::string& path, const CaptionReadOptions& options) {
  std::string file;
  const std::string bytes = read_input_bytes(path, file);
  return parse_caption_jsonl(bytes, file, options);
}

}  // namespace recur
