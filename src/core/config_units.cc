#include "core/config_units.h"

#include <array>
#include <cctype>
#include <limits>
#include <utility>

namespace erphub {
namespace {

// A non-negative decimal read as integer digits plus up to 9 fraction digits, so that scaling by
// a unit stays exact in integers.
struct Decimal {
  uint64_t whole = 0;
  uint64_t fraction = 0;  // fraction digits as an integer
  int fraction_digits = 0;
};

// Reads a decimal at the start of `text`; returns the count of characters read (0 when none).
size_t ReadDecimal(std::string_view text, Decimal& out) {
  size_t i = 0;
  bool any_digit = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (out.whole > (std::numeric_limits<uint64_t>::max() - 9) / 10) {
      return 0;
    }
    out.whole = out.whole * 10 + static_cast<uint64_t>(text[i] - '0');
    any_digit = true;
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    size_t dot = i++;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (out.fraction_digits == 9) {
        if (text[i] != '0') {
          return 0;
        }
      } else {
        out.fraction = out.fraction * 10 + static_cast<uint64_t>(text[i] - '0');
        ++out.fraction_digits;
      }
      any_digit = true;
      ++i;
    }
    if (i == dot + 1) {
      return 0;
    }
  }
  return any_digit ? i : 0;
}

// value * unit, exact; false when the product is fractional or overflows.
bool Scale(const Decimal& value, uint64_t unit, uint64_t& out) {
  if (value.whole != 0 && unit > std::numeric_limits<uint64_t>::max() / value.whole) {
    return false;
  }
  uint64_t whole = value.whole * unit;
  uint64_t denominator = 1;
  for (int i = 0; i < value.fraction_digits; ++i) {
    denominator *= 10;
  }
  unsigned __int128 fraction = static_cast<unsigned __int128>(value.fraction) * unit;
  if (fraction % denominator != 0) {
    return false;
  }
  uint64_t fraction_part = static_cast<uint64_t>(fraction / denominator);
  if (whole > std::numeric_limits<uint64_t>::max() - fraction_part) {
    return false;
  }
  out = whole + fraction_part;
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

constexpr std::array<std::pair<std::string_view, uint64_t>, 5> kDurationUnits = {{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

constexpr std::array<std::pair<std::string_view, uint64_t>, 9> kSizeUnits = {{
    {"tib", uint64_t{1} << 40},
    {"tb", 1'000'000'000'000},
    {"gib", uint64_t{1} << 30},
    {"gb", 1'000'000'000},
    {"mib", uint64_t{1} << 20},
    {"mb", 1'000'000},
    {"kib", uint64_t{1} << 10},
    {"kb", 1'000},
    {"b", 1},
}};

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  auto invalid = [&] {
    return InvalidArgumentError("\"" + std::string(text) +
                                "\" is not a duration such as 30s, 5m, 1h30m or 250ms");
  };
  if (text == "0") {
    return std::chrono::milliseconds(0);
  }
  if (text.empty()) {
    return invalid();
  }
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    Decimal value;
    size_t read = ReadDecimal(text.substr(i), value);
    if (read == 0) {
      return invalid();
    }
    i += read;
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    std::string_view unit_text = text.substr(unit_start, i - unit_start);
    uint64_t unit = 0;
    for (const auto& [name, ms] : kDurationUnits) {
      if (unit_text == name) {
        unit = ms;
      }
    }
    if (unit == 0) {
      return invalid();
    }
    uint64_t part = 0;
    if (!Scale(value, unit, part)) {
      return InvalidArgumentError("\"" + std::string(text) +
                                  "\" is not a whole number of milliseconds or is too large");
    }
    if (total > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - part) {
      return InvalidArgumentError("\"" + std::string(text) + "\" is too large");
    }
    total += part;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total));
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  int64_t ms = duration.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  for (const auto& [name, unit] : kDurationUnits) {
    int64_t count = ms / static_cast<int64_t>(unit);
    if (count > 0) {
      out += std::to_string(count);
      out += name;
      ms -= count * static_cast<int64_t>(unit);
    }
  }
  return out;
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  auto invalid = [&] {
    return InvalidArgumentError("\"" + std::string(text) +
                                "\" is not a size such as 512KB, 1MB or 2MiB");
  };
  Decimal value;
  size_t read = ReadDecimal(text, value);
  if (read == 0) {
    return invalid();
  }
  std::string_view rest = text.substr(read);
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  uint64_t unit = rest.empty() ? 1 : 0;
  std::string unit_text = Lower(rest);
  for (const auto& [name, bytes] : kSizeUnits) {
    if (unit_text == name) {
      unit = bytes;
    }
  }
  if (unit == 0) {
    return invalid();
  }
  uint64_t bytes = 0;
  if (!Scale(value, unit, bytes)) {
    return InvalidArgumentError("\"" + std::string(text) +
                                "\" is not a whole number of bytes or is too large");
  }
  return bytes;
}

std::string FormatByteSize(uint64_t bytes) {
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 9> kUnits = {{
      {"TiB", uint64_t{1} << 40},
      {"TB", 1'000'000'000'000},
      {"GiB", uint64_t{1} << 30},
      {"GB", 1'000'000'000},
      {"MiB", uint64_t{1} << 20},
      {"MB", 1'000'000},
      {"KiB", uint64_t{1} << 10},
      {"KB", 1'000},
      {"B", 1},
  }};
  for (const auto& [name, unit] : kUnits) {
    if (bytes != 0 && bytes % unit == 0) {
      return std::to_string(bytes / unit) + std::string(name);
    }
  }
  return "0B";
}

}  // namespace erphub
