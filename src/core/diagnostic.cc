#include "core/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace erphub {

std::string Diagnostic::ToString() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':' + std::to_string(line);
      if (column > 0) {
        out += ':' + std::to_string(column);
      }
    }
    out += ": ";
  }
  if (!path.empty()) {
    out += path;
    out += ": ";
  }
  out += message;
  return out;
}

void Diagnostics::Add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::Sort() {
  auto place = [](const Diagnostic& d) { return std::tie(d.file, d.line, d.column); };
  std::stable_sort(items_.begin(), items_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return place(a) < place(b); });
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.line, a.column, a.path, a.message) ==
           std::tie(b.file, b.line, b.column, b.path, b.message);
  };
  items_.erase(std::unique(items_.begin(), items_.end(), same), items_.end());
}

std::string Diagnostics::ToString() const {
  std::string out;
  for (const Diagnostic& d : items_) {
    out += d.ToString();
    out += '\n';
  }
  return out;
}

Status Diagnostics::ToStatus() const {
  if (items_.empty()) {
    return Status();
  }
  std::string message = ToString();
  message.pop_back();
  return InvalidArgumentError(std::move(message));
}

}  // namespace erphub
