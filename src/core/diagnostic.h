#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace erphub {

// One problem in a configuration file, with its place. `line` and `column` are 1-based; 0 means
// the place is unknown. `path` is the dotted path of the setting
// ("flows.orders.steps[2].batch_size"), empty for problems that concern the file as a whole.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;
  std::string message;

  // "file:line:col: path: message", leaving out the parts that are unknown or empty.
  std::string ToString() const;
};

// Every problem found in one configuration, in the order of their places in the file.
class Diagnostics {
 public:
  Diagnostics() = default;

  void Add(Diagnostic diagnostic);
  void Append(const Diagnostics& other);

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::vector<Diagnostic>::const_iterator begin() const { return items_.begin(); }
  std::vector<Diagnostic>::const_iterator end() const { return items_.end(); }

  // Sorts by file place (stable, so problems at one place keep their order) and drops repeats.
  void Sort();

  // One diagnostic per line, each ending in '\n'.
  std::string ToString() const;
  // kInvalidArgument with every line as the message; ok when empty.
  Status ToStatus() const;

  // Lets ERPHUB_TRY forward a Result<T, Diagnostics> error.
  Diagnostics&& error() && { return std::move(*this); }
  bool ok() const { return items_.empty(); }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace erphub
