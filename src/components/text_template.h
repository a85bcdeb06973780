#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "mapping/jsonata.h"

namespace erphub::components {

// How a placeholder's value is written into the text.
enum class TemplateEscape {
  kNone,
  // Percent-encodes everything but RFC 3986 unreserved characters, so that a value such as
  // "A/17 B" stays one URL path segment or query value.
  kUrlComponent,
};

// Text with `{{ JSONata }}` placeholders, e.g. "https://erp/sales-orders/{{ order_number }}".
// Compiled once, rendered for each message from any number of threads at once. A placeholder's
// string value is inserted as is; numbers, booleans, null, objects and arrays as JSON text.
class TextTemplate {
 public:
  // kInvalidArgument for an unclosed or empty placeholder or a JSONata compile error; the message
  // names the placeholder and, for JSONata errors, the code and the line and column in the text.
  static Result<TextTemplate> Compile(std::string_view text);

  // kInvalidArgument naming the placeholder when its evaluation fails or gives no value.
  Result<std::string> Render(const Value& input, const jsonata::EvalOptions& options,
                             TemplateEscape escape = TemplateEscape::kNone) const;

  bool has_placeholders() const;
  const std::string& text() const { return text_; }

 private:
  struct Part {
    std::string literal;  // text before the placeholder (or the trailing text)
    std::string source;   // the placeholder's expression as written; empty for trailing text
    std::optional<jsonata::Expression> expression;
  };

  std::string text_;
  std::vector<Part> parts_;
};

// The line and column (1-based; columns count characters) of the byte `offset` in `text`.
struct TextPlace {
  int line = 1;
  int column = 1;
};
TextPlace PlaceIn(std::string_view text, size_t offset);
// The same as "line L, column C".
std::string LineColumn(std::string_view text, size_t offset);

// The offset in the expression where a JSONata error points: the start of the offending token
// when the error names it, otherwise the character before the reported position.
size_t ErrorOffset(const jsonata::Error& error, std::string_view expression);

}  // namespace erphub::components
