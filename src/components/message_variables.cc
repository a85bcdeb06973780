#include "components/message_variables.h"

#include <cctype>
#include <string>

namespace erphub::components {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

Object MessageVariables(const Message& message) {
  Object headers;
  for (const auto& [name, value] : message.headers) {
    std::string key = Lower(name);
    if (!headers.Contains(key)) {
      headers.Append(std::move(key), Value::Str(value));
    }
  }
  Object fields;
  fields.Append("id", Value::Str(message.id.ToString()));
  fields.Append("flow", Value::Str(message.flow));
  fields.Append("key", Value::Str(message.business_key));
  fields.Append("received_at", Value::Str(FormatUtc(message.received_at)));
  fields.Append("attempts", Value::Int(message.attempts));
  fields.Append("headers", Value::MakeObject(std::move(headers)));
  Object variables;
  variables.Append("message", Value::MakeObject(std::move(fields)));
  return variables;
}

}  // namespace erphub::components
