#include "components/rendered_document.h"

#include <utility>

namespace erphub::components {

Value RenderedDocument(std::string content, formats::Format format) {
  Object document;
  document.Append("content", Value::Str(std::move(content)));
  document.Append("format", Value::Str(formats::FormatName(format)));
  return Value::MakeObject(std::move(document));
}

std::optional<std::string_view> RenderedContent(const Value& payload) {
  if (!payload.is_object() || payload.as_object().size() != 2) {
    return std::nullopt;
  }
  const Value& content = payload.Get("content");
  const Value& format = payload.Get("format");
  if (!content.is_string() || !format.is_string() ||
      !formats::FormatFromName(format.as_string()).has_value()) {
    return std::nullopt;
  }
  return content.as_string();
}

}  // namespace erphub::components
