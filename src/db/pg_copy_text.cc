#include "db/pg_copy_text.h"

#include "core/hex.h"

namespace erphub::db {
namespace {

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

Status ParseCopyTextRow(std::string_view line, std::vector<std::optional<std::string>>& fields) {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
  }
  size_t count = 0;
  size_t i = 0;
  while (true) {
    size_t end = line.find('\t', i);
    std::string_view raw = line.substr(i, end == std::string_view::npos ? end : end - i);
    if (fields.size() <= count) {
      fields.emplace_back();
    }
    std::optional<std::string>& field = fields[count++];
    if (raw == "\\N") {
      field.reset();
    } else {
      if (!field.has_value()) {
        field.emplace();
      }
      std::string& out = *field;
      out.clear();
      if (raw.find('\\') == std::string_view::npos) {
        out.assign(raw);
      } else {
        for (size_t j = 0; j < raw.size(); ++j) {
          char c = raw[j];
          if (c != '\\') {
            out.push_back(c);
            continue;
          }
          if (++j == raw.size()) {
            return ParseError("COPY row ends in a lone backslash");
          }
          char e = raw[j];
          switch (e) {
            case 'b':
              out.push_back('\b');
              break;
            case 'f':
              out.push_back('\f');
              break;
            case 'n':
              out.push_back('\n');
              break;
            case 'r':
              out.push_back('\r');
              break;
            case 't':
              out.push_back('\t');
              break;
            case 'v':
              out.push_back('\v');
              break;
            case 'x': {
              int value = 0;
              int digits = 0;
              while (digits < 2 && j + 1 < raw.size() && HexDigitValue(raw[j + 1]) >= 0) {
                value = value * 16 + HexDigitValue(raw[++j]);
                ++digits;
              }
              if (digits == 0) {
                out.push_back('x');
              } else {
                out.push_back(static_cast<char>(value));
              }
              break;
            }
            default:
              if (IsOctal(e)) {
                int value = e - '0';
                for (int digits = 1; digits < 3 && j + 1 < raw.size() && IsOctal(raw[j + 1]);
                     ++digits) {
                  value = value * 8 + (raw[++j] - '0');
                }
                out.push_back(static_cast<char>(value & 0xFF));
              } else {
                out.push_back(e);
              }
          }
        }
      }
    }
    if (end == std::string_view::npos) {
      break;
    }
    i = end + 1;
  }
  fields.resize(count);
  return Status::Ok();
}

}  // namespace erphub::db
