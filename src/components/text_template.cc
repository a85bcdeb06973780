#include "components/text_template.h"

#include <algorithm>

#include "core/json.h"

namespace erphub::components {
namespace {

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The offset of the "}}" closing the placeholder whose expression starts at `begin`, skipping
// string literals and the braces of object constructors; npos when there is none.
size_t FindClose(std::string_view text, size_t begin) {
  int depth = 0;
  char quote = 0;
  for (size_t i = begin; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      quote = c;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (depth == 0 && i + 1 < text.size() && text[i + 1] == '}') {
        return i;
      }
      depth = std::max(depth - 1, 0);
    }
  }
  return std::string_view::npos;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendEscaped(std::string& out, std::string_view value, TemplateEscape escape) {
  if (escape == TemplateEscape::kNone) {
    out += value;
    return;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

}  // namespace

TextPlace PlaceIn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < offset; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count UTF-8 lead bytes only: characters, not bytes
      ++column;
    }
  }
  return TextPlace{line, column};
}

std::string LineColumn(std::string_view text, size_t offset) {
  TextPlace place = PlaceIn(text, offset);
  return "line " + std::to_string(place.line) + ", column " + std::to_string(place.column);
}

size_t ErrorOffset(const jsonata::Error& error, std::string_view expression) {
  int64_t position = error.position();
  if (position < 0) {
    return 0;
  }
  auto end = std::min(static_cast<size_t>(position), expression.size());
  const std::string& token = error.info().token;
  if (!token.empty() && token.size() <= end &&
      expression.substr(end - token.size(), token.size()) == token) {
    return end - token.size();
  }
  return end > 0 ? end - 1 : 0;
}

Result<TextTemplate> TextTemplate::Compile(std::string_view text) {
  TextTemplate result;
  result.text_ = std::string(text);
  size_t pos = 0;
  while (true) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      break;
    }
    size_t close = FindClose(text, open + 2);
    if (close == std::string_view::npos) {
      return InvalidArgumentError("the placeholder at " + LineColumn(text, open) +
                                  " has no closing }}");
    }
    std::string_view raw = text.substr(open + 2, close - open - 2);
    std::string_view source = Trim(raw);
    if (source.empty()) {
      return InvalidArgumentError("the placeholder at " + LineColumn(text, open) + " is empty");
    }
    auto expression = jsonata::Expression::Compile(source);
    if (!expression.ok()) {
      size_t at = open + 2 + static_cast<size_t>(source.data() - raw.data()) +
                  ErrorOffset(expression.error(), source);
      return InvalidArgumentError("{{ " + std::string(source) +
                                  " }}: " + expression.error().ToString() + " (at " +
                                  LineColumn(text, at) + ")");
    }
    Part part;
    part.literal = std::string(text.substr(pos, open - pos));
    part.source = std::string(source);
    part.expression.emplace(std::move(*expression));
    result.parts_.push_back(std::move(part));
    pos = close + 2;
  }
  if (pos < text.size()) {
    Part tail;
    tail.literal = std::string(text.substr(pos));
    result.parts_.push_back(std::move(tail));
  }
  return result;
}

Result<std::string> TextTemplate::Render(const Value& input, const jsonata::EvalOptions& options,
                                         TemplateEscape escape) const {
  std::string out;
  for (const Part& part : parts_) {
    out += part.literal;
    if (!part.expression.has_value()) {
      continue;
    }
    auto value = part.expression->Evaluate(input, options);
    if (!value.ok()) {
      return InvalidArgumentError("{{ " + part.source + " }}: " + value.error().ToString());
    }
    if (value->is_undefined() || value->is_function()) {
      return InvalidArgumentError("{{ " + part.source + " }} produced no value");
    }
    if (value->is_string()) {
      AppendEscaped(out, value->as_string(), escape);
    } else {
      AppendEscaped(out, ToJson(*value), escape);
    }
  }
  return out;
}

bool TextTemplate::has_placeholders() const {
  return std::any_of(parts_.begin(), parts_.end(),
                     [](const Part& part) { return part.expression.has_value(); });
}

}  // namespace erphub::components
