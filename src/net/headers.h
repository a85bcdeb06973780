#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace erphub::net {

// Compares ASCII header names (or other tokens) ignoring case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// HTTP header fields in the order they were added, names kept as written. Lookups ignore the
// case of names (RFC 9110 field names are case-insensitive). A name may occur several times.
class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;

  Headers() = default;
  Headers(std::initializer_list<Entry> entries) : entries_(entries) {}

  // Appends a field, keeping any existing ones with the same name.
  void Add(std::string name, std::string value);
  // Replaces every field named `name` with one field (appended if there was none).
  void Set(std::string_view name, std::string value);
  // Removes every field named `name`; returns how many were removed.
  size_t Remove(std::string_view name);

  // The first field named `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // The value of the first field named `name`, or `fallback`.
  std::string_view GetOr(std::string_view name, std::string_view fallback) const;
  // Every value of fields named `name`, in order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace erphub::net
