// Evaluates random expressions on random data under the depth and time guards: an evaluation
// ends with a value or an error, never a crash, leak or hang. Input: expression, a NUL byte, then
// JSON data (no NUL: the expression runs without input).
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/json.h"
#include "mapping/jsonata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t split = bytes.find('\0');
  std::string_view expr_text = bytes.substr(0, split);
  erphub::Value input;
  if (split != std::string_view::npos) {
    auto parsed = erphub::ParseJson(bytes.substr(split + 1));
    if (!parsed.ok()) {
      return 0;
    }
    input = std::move(parsed).value();
  }
  auto expression = erphub::jsonata::Expression::Compile(expr_text);
  if (!expression.ok()) {
    return 0;
  }
  erphub::jsonata::EvalOptions options;
  options.max_depth = 200;
  options.time_limit = std::chrono::milliseconds(200);
  auto result = expression->Evaluate(input, options);
  if (result.ok()) {
    std::string text = erphub::ToJson(*result);
    (void)text;
  }
  return 0;
}
