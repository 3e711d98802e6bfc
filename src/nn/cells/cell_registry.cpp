// The registry of cells: the one list of every cell (add a cell's line here),
// and the names, parsing and parameter shapes read from it (recur/cell.h).
#include <span>
#include <stdexcept>

#include "nn/cells/cells.h"

namespace recur {

namespace {

// One line per cell; the GRU's variants one after the other, the first of a
// kind giving that kind's CellInfo.
std::span<const CellSpec* const> all_cells() {
  static const CellSpec* const cells[] = {
      &rnn_tanh_cell(), &rnn_relu_cell(), &lstm_cell(), &gru_cell(), &gru_reset_before_cell(),
      &mut1_cell(),     &mut2_cell(),     &mut3_cell(),
  };
  return cells;
}

}  // namespace

const CellSpec& cell_spec(CellKind cell, GruReset reset) {
  for (const CellSpec* s : all_cells())
    if (s->info.kind == cell && (!s->gru_reset || *s->gru_reset == reset)) return *s;
  throw std::invalid_argument("no cell is registered for CellKind " + std::to_string(int(cell)) +
                              " (src/nn/cells/cell_registry.cpp)");
}

const CellInfo& cell_info(CellKind cell) { return cell_spec(cell, GruReset::AfterProduct).info; }

std::string cell_name(CellKind cell) { return std::string(cell_info(cell).name); }

int64_t gate_count(CellKind cell) { return cell_info(cell).gates; }

CellKind parse_cell(const std::string& name) {
  for (const CellSpec* s : all_cells())
    if (s->info.name == name || (!s->info.alias.empty() && s->info.alias == name)) return s->info.kind;
  throw std::invalid_argument("unknown cell '" + name + "' (expected " + known_cell_names() + ")");
}

std::string known_cell_names() {
  std::vector<std::string_view> names;  // each kind once, in registry order
  for (const CellSpec* s : all_cells())
    if (names.empty() || names.back() != s->info.name) names.push_back(s->info.name);
  std::string list;
  for (size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 < names.size() ? ", " : " or ") + std::string(names[i]);
  return list;
}

std::string gru_reset_name(GruReset reset) { return reset == GruReset::AfterProduct ? "after" : "before"; }

GruReset parse_gru_reset(const std::string& name) {
  if (name == "after") return GruReset::AfterProduct;
  if (name == "before") return GruReset::BeforeProduct;
  throw std::invalid_argument("unknown GRU reset '" + name + "' (expected after or before)");
}

std::vector<UnitParameter> unit_parameters(CellKind cell, int64_t layer, bool reverse, int64_t input_size,
                                           int64_t hidden_size, bool bias) {
  const CellInfo& info = cell_info(cell);
  const std::string suffix = "_l" + std::to_string(layer) + (reverse ? "_reverse" : "");
  const int64_t ih = info.input_blocks * hidden_size, hh = info.hidden_blocks * hidden_size;
  std::vector<UnitParameter> list{{"weight_ih" + suffix, {ih, input_size}}, {"weight_hh" + suffix, {hh, hidden_size}}};
  if (bias) {
    list.push_back({"bias_ih" + suffix, {ih}});
    list.push_back({"bias_hh" + suffix, {hh}});
  }
  return list;
}

}  // namespace recur
