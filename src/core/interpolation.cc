#include "core/interpolation.h"

#include <cctype>
#include <cstdlib>

namespace erphub {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

Result<std::string, InterpolationError> Interpolate(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    size_t start = i;
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return InterpolationError{start, "\"${\" without a closing \"}\""};
    }
    std::string_view body = text.substr(i + 2, close - i - 2);
    size_t name_end = 0;
    while (name_end < body.size() && IsNameChar(body[name_end])) {
      ++name_end;
    }
    std::string_view name = body.substr(0, name_end);
    if (name.empty() || !IsNameStart(name[0])) {
      return InterpolationError{start, "\"${\" must be followed by a variable name, as in ${PORT}"};
    }
    std::optional<std::string_view> fallback;
    std::string_view rest = body.substr(name_end);
    if (rest.substr(0, 2) == ":-") {
      fallback = rest.substr(2);
    } else if (!rest.empty()) {
      return InterpolationError{
          start, "expected \"}\" or \":-default\" after \"${" + std::string(name) + "\""};
    }
    std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (fallback.has_value() && (!value.has_value() || value->empty())) {
      out += *fallback;
    } else if (value.has_value()) {
      out += *value;
    } else {
      return InterpolationError{start, "environment variable " + std::string(name) +
                                           " is not set (write ${" + std::string(name) +
                                           ":-default} to give a default)"};
    }
    i = close + 1;
  }
  return out;
}

bool HasInterpolation(std::string_view text) { return text.find("${") != std::string_view::npos; }

}  // namespace erphub
