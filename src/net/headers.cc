#include "net/headers.h"

#include <algorithm>

namespace erphub::net {

namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) {
      return false;
    }
  }
  return true;
}

void Headers::Add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

void Headers::Set(std::string_view name, std::string value) {
  auto first = std::find_if(entries_.begin(), entries_.end(),
                            [&](const Entry& e) { return EqualsIgnoreCase(e.first, name); });
  if (first == entries_.end()) {
    entries_.emplace_back(std::string(name), std::move(value));
    return;
  }
  first->second = std::move(value);
  entries_.erase(std::remove_if(first + 1, entries_.end(),
                                [&](const Entry& e) { return EqualsIgnoreCase(e.first, name); }),
                 entries_.end());
}

size_t Headers::Remove(std::string_view name) {
  size_t before = entries_.size();
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) { return EqualsIgnoreCase(e.first, name); }),
                 entries_.end());
  return before - entries_.size();
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (EqualsIgnoreCase(e.first, name)) {
      return std::string_view(e.second);
    }
  }
  return std::nullopt;
}

std::string_view Headers::GetOr(std::string_view name, std::string_view fallback) const {
  std::optional<std::string_view> value = Get(name);
  return value ? *value : fallback;
}

std::vector<std::string_view> Headers::GetAll(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const Entry& e : entries_) {
    if (EqualsIgnoreCase(e.first, name)) {
      values.emplace_back(e.second);
    }
  }
  return values;
}

}  // namespace erphub::net
