#include "caspflow/inputs/source_context.hpp"

namespace caspflow::inputs {

namespace {
bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

std::string source_context(std::string_view text, int line, int column) {
  if (line < 1) return {};
  size_t start = 0;
  for (int l = 1; l < line; ++l) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  if (start >= text.size() && line > 1) return {};
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  if (end > start && text[end - 1] == '\r') --end;
  std::string_view ln = text.substr(start, end - start);
  // Byte offset of the column (columns count characters, so walk the UTF-8 sequence).
  size_t at = 0;
  for (int c = 1; c < column && at < ln.size(); ++c) {
    ++at;
    while (at < ln.size() && continuation(static_cast<unsigned char>(ln[at]))) ++at;
  }
  // At most ~100 bytes: 60 before the column, the rest after, cut at character boundaries.
  constexpr size_t kBefore = 60, kWidth = 100;
  size_t from = at > kBefore ? at - kBefore : 0;
  while (from > 0 && from < ln.size() && continuation(static_cast<unsigned char>(ln[from]))) --from;
  size_t to = std::min(ln.size(), from + kWidth);
  while (to < ln.size() && continuation(static_cast<unsigned char>(ln[to]))) ++to;
  std::string shown = from > 0 ? "..." : "";
  size_t caret = shown.size();
  for (size_t i = from; i < to; ++i) {
    const unsigned char ch = static_cast<unsigned char>(ln[i]);
    if (i < at && !continuation(ch)) ++caret;
    shown += (ch < 0x20 || ch == 0x7F) ? '?' : static_cast<char>(ch);
  }
  if (to < ln.size()) shown += "...";
  if (column < 1) return "    " + shown;
  return "    " + shown + "\n    " + std::string(caret, ' ') + "^";
}

void add_source_context(std::vector<InputProblem>& problems, const std::string& path, std::string_view text) {
  for (auto& p : problems)
    if (p.context.empty() && p.loc.file == path && p.loc.line > 0) p.context = source_context(text, p.loc.line, p.loc.column);
}

}  // namespace caspflow::inputs
