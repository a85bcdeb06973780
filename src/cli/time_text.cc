#include "cli/time_text.h"

#include <cstdio>

namespace erphub::cli {

std::string ShortUtc(Timestamp t) {
  std::string text = FormatUtc(t);  // 2024-05-01T10:00:00.123456Z
  if (text.size() >= 23) {
    text = text.substr(0, 23) + "Z";
  }
  if (text.size() > 10 && text[10] == 'T') {
    text[10] = ' ';
  }
  return text;
}

std::string HumanDuration(std::chrono::microseconds duration) {
  int64_t us = duration.count();
  char buffer[48];
  if (us < 1000) {
    std::snprintf(buffer, sizeof buffer, "%lldus", static_cast<long long>(us));
  } else if (us < 100'000) {
    std::snprintf(buffer, sizeof buffer, "%.1fms", static_cast<double>(us) / 1e3);
  } else if (us < 60'000'000) {
    std::snprintf(buffer, sizeof buffer, "%.2fs", static_cast<double>(us) / 1e6);
  } else {
    int64_t s = us / 1'000'000;
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buffer;
}

}  // namespace erphub::cli
