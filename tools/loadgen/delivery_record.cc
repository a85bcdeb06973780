#include "tools/loadgen/delivery_record.h"

#include <charconv>
#include <fstream>
#include <string_view>

#include "core/json.h"

namespace erphub::loadgen {

size_t DeliveryRecord::Poll() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    return 0;
  }
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  offset_ += chunk.size();
  partial_ += chunk;
  size_t found = 0;
  size_t start = 0;
  for (size_t end = partial_.find('\n'); end != std::string::npos;
       end = partial_.find('\n', start)) {
    std::string_view line(partial_.data() + start, end - start);
    start = end + 1;
    Result<Value> record = ParseJson(line);
    if (!record.ok()) {
      continue;
    }
    int64_t status = record->Get("status").as_number().ToInt64().value_or(0);
    std::string_view external_id = record->Get("json").Get("external_id").is_string()
                                       ? record->Get("json").Get("external_id").as_string()
                                       : std::string_view();
    constexpr std::string_view kPrefix = "shopify:";
    if (status < 200 || status > 299 || !external_id.starts_with(kPrefix)) {
      continue;
    }
    std::string_view digits = external_id.substr(kPrefix.size());
    int64_t order_id = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), order_id);
    if (ec != std::errc()) {
      continue;
    }
    int64_t at_us = record->Get("at_us").as_number().ToInt64().value_or(0);
    bool duplicate = record->Get("duplicate").is_bool() && record->Get("duplicate").as_bool();
    if (duplicate || !delivered_.emplace(order_id, at_us).second) {
      ++repeats_;
    } else {
      ++found;
    }
  }
  partial_.erase(0, start);
  return found;
}

}  // namespace erphub::loadgen
