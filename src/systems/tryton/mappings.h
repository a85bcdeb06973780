#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/value.h"
#include "mapping/jsonata.h"

namespace erphub::tryton {

// The built-in mappings, mappings/NAME.jsonata compiled into the binary
// (cmake/embed_text.cmake): the text of `name`'s mapping, or empty when there is none.
std::string_view BuiltinMapping(std::string_view name);

// The canonical -> Tryton mappings the operations shape their records with: `customer`,
// `product` and `sales_order` (see mappings/README.md), compiled once.
class RecordMappings {
 public:
  RecordMappings();

  // `record` mapped by `name`'s mapping. A record the mapping refuses (its $error, e.g. a
  // required field missing) or fails on is kInvalidArgument with the mapping's message.
  Result<Value> Map(std::string_view name, const Value& record) const;

 private:
  std::map<std::string, jsonata::JResult<jsonata::Expression>, std::less<>> expressions_;
};

}  // namespace erphub::tryton
