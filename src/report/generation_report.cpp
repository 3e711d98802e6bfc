#include "recur/generation_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "recur/generation_task.h"
#include "recur/svg_plot.h"
#include "report/marked_tokens.h"

namespace recur {
namespace {

// Rows of the examples table: enough to see what the model gets wrong, few
// enough to read.
constexpr int64_t kShownExamples = 30;
// A caption vector whose width is side * side is drawn about this many pixels
// across, up to a side of kMaxImageSide (28 x 28 digits; a larger picture
// would be thousands of rectangles per row).
constexpr int kImagePixels = 40;
constexpr int kMaxImageSide = 32;

HtmlCell text_cell(const std::string& text) { return HtmlCell{{TextRun{text, ""}}, ""}; }

HtmlCell vector_cell(const std::vector<double>& v) {
  const auto [low, high] = std::minmax_element(v.begin(), v.end());
  HtmlCell cell = text_cell(fmt::format("width {}, values {:.4g} to {:.4g}", v.size(), *low, *high));
  const int side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(v.size()))));
  if (side > 1 && side <= kMaxImageSide && static_cast<size_t>(side) * static_cast<size_t>(side) == v.size())
    cell.svg = GreyImage{v, side, std::max(1, kImagePixels / side)}.svg();
  return cell;
}

// Reads the dev file as the model reads it, keeping what the inputs of the
// first `shown` examples looked like.
GenerationData read_dev(const GenerationModel& model, const std::string& path, int64_t shown,
                        std::vector<HtmlCell>& inputs) {
  if (model.vector_source()) {
    const CaptionData raw = read_caption_jsonl(path, model.caption_options(true));
    for (size_t e = 0; e < raw.examples.size() && static_cast<int64_t>(e) < shown; ++e)
      inputs.push_back(vector_cell(raw.examples[e].vector));
    return model.encode(raw);
  }
  const PairedText raw = read_paired_text(path, model.text_options(true));
  GenerationData data = model.encode(raw);
  // Examples group the lines with the same source; each keeps its first line.
  std::map<int64_t, const TextPair*> pair_at_line;
  for (const TextPair& p : raw.pairs) pair_at_line.emplace(p.line, &p);
  for (int64_t e = 0; e < std::min(shown, data.size()); ++e)
    inputs.push_back(text_cell(join_tokens(pair_at_line.at(data.lines[e])->source, model.source_unit)));
  return data;
}

HtmlCell references_cell(const GenerationModel& model, const std::vector<std::vector<int64_t>>& references,
                         int64_t closest) {
  HtmlCell cell;
  for (size_t r = 0; r < references.size(); ++r) {
    if (r > 0) cell.runs.push_back({" | ", ""});
    const bool mark = references.size() > 1 && static_cast<int64_t>(r) == closest;
    cell.runs.push_back({model.text(references[r]), mark ? "closest" : ""});
  }
  return cell;
}

void scores_table(HtmlPage& page, const GenerationScores& s, bool words) {
  std::vector<std::vector<std::string>> rows = {
      {"exact match", fmt::format("{:.4f}", s.exact_match()), fmt::format("{} of {} outputs", s.exact(), s.outputs())},
      {"token error rate", fmt::format("{:.4f}", s.token_error_rate()),
       fmt::format("{} edits / {} reference tokens", s.edits(), s.reference_tokens())},
      {"token accuracy", fmt::format("{:.4f}", s.token_accuracy()), "same token at the same position"}};
  if (words) rows.push_back({"BLEU", fmt::format("{:.4f}", s.bleu()), "corpus BLEU-4"});
  page.table({"figure", "value", "counted"}, rows);
}

}  // namespace

void generation_report_section(HtmlPage& page, const ReportContext& context) {
  page.section("Outputs on the dev set");
  const Checkpoint& checkpoint = context.checkpoint;
  const std::string task = checkpoint_task(checkpoint);
  if (!checkpoint.training.contains("data")) {
    page.paragraph("The checkpoint records no training data, so there is no dev set to decode.");
    return;
  }
  const GenerationDataRecord record = GenerationDataRecord::from_json(checkpoint.training.at("data"));
  if (!dev_set_there(page, context, record.dev, task)) return;
  const GenerationModel model = GenerationModel::from_checkpoint(checkpoint, task);
  std::vector<HtmlCell> inputs;
  GenerationData dev = read_dev(model, record.dev, kShownExamples, inputs);
  const int64_t in_file = dev.size();
  const int64_t limit = context.options.generation_examples;
  if (limit > 0) dev.keep_first(limit);

  std::vector<std::vector<Hypothesis>> outputs;
  const GenerationScores scores = score_generation(
      model, dev, model.decoding_options(kDefaultDecodeMaxLength, 1, 0.0), kDefaultDecodeBatch, &outputs);
  const std::string which =
      dev.size() < in_file
          ? fmt::format("the first {} of the {} examples of {} (`recur report --examples N` sets how many; 0: all)",
                        dev.size(), in_file, record.dev)
          : fmt::format("{} ({} examples)", record.dev, dev.size());
  page.paragraph(fmt::format("{} on {}, decoded greedily (at most {} tokens). `recur {} eval {} --data {}` prints "
                             "the same figures{}.",
                             checkpoint.path.filename().string(), which, kDefaultDecodeMaxLength, task,
                             checkpoint.path.string(), dev.size() < in_file ? "FILE" : record.dev,
                             dev.size() < in_file ? " for a FILE of the same examples" : ""));
  scores_table(page, scores, model.target_unit == TokenUnit::Words);

  page.add_css(std::string(kMarkedTokenCss) +
               ".closest{font-weight:bold}.generation-outputs td svg{display:block;border:1px solid #bbb;margin:2px 0}");
  std::vector<std::vector<HtmlCell>> rows;
  int64_t wrong = 0;
  const int64_t shown = std::min(kShownExamples, dev.size());
  for (int64_t e = 0; e < shown; ++e) {
    const std::vector<int64_t>& output = outputs[e][0].tokens;
    const ClosestReference closest = closest_reference(output, dev.references[e]);
    wrong += closest.distance > 0;
    rows.push_back({text_cell(std::to_string(dev.lines[e])), inputs[e],
                    references_cell(model, dev.references[e], closest.index),
                    marked_output(output, dev.references[e][closest.index], model.target_vocabulary.words(),
                                  model.target_unit),
                    text_cell(std::to_string(closest.distance))});
  }
  page.paragraph(fmt::format("The first {} of those examples, {} of them wrong. Each output is marked against its "
                             "closest reference (in bold where there are several){}:",
                             shown, wrong,
                             model.target_unit == TokenUnit::Chars ? "; a marked space shows as \u2423" : ""));
  page.table({}, {{text_cell("right"), HtmlCell{{{"substituted", "sub"}, {": the reference has another token", ""}}, ""},
                   HtmlCell{{{"extra", "ins"}, {": a token the reference lacks", ""}}, ""},
                   HtmlCell{{{"missing", "del"}, {": a reference token the output lacks", ""}}, ""}}},
             "generation-legend");
  page.table({"line", model.vector_source() ? "vector" : "source", "reference", "output", "edits"}, rows,
             "generation-outputs");
}

}  // namespace recur
