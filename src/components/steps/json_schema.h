#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/value.h"

namespace erphub::components {

// JSON Schema validation (draft 2020-12) for the `validate` step and for erphub's canonical
// schemas. A schema is compiled once (keywords checked, patterns compiled, $refs resolved) and
// then validates any number of values, from any number of threads at once.
//
// Supported keywords:
//   type (a name or an array of names; "integer" is any number with no fraction), enum, const;
//   properties, required, additionalProperties (bool or schema), patternProperties,
//   propertyNames, minProperties, maxProperties, dependentRequired, dependentSchemas;
//   items, prefixItems, contains, minContains, maxContains, minItems, maxItems, uniqueItems;
//   minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf (exact via Number);
//   minLength, maxLength (in code points), pattern (ECMAScript syntax, not anchored);
//   format date, date-time, time (RFC 3339), email, uuid;
//   allOf, anyOf, oneOf, not, if/then/else;
//   $ref to "#", "#/json/pointer" (e.g. "#/$defs/address"), and to other schema files by a
//   path relative to the referring file ("customer.json", "common.json#/$defs/money").
// Annotations ($schema, $id at the root, $comment, title, description, default, examples,
// deprecated, readOnly, writeOnly, content*) and keywords starting with "x-" are accepted and
// ignored. Any other keyword, and any other format, is a compile error rather than silently
// unchecked.

// One reason a value does not conform.
struct SchemaFailure {
  // JSON pointer (RFC 6901) of the failing value in the validated document, "" for the whole
  // document; for a missing required property, the pointer the property would have.
  std::string pointer;
  // What is wrong, e.g. "-1 is below the minimum 0". String values are not quoted back, so
  // messages can be logged without leaking the data.
  std::string message;
  // The failing keyword in the schema, e.g. "sales_order.json#/properties/lines/items/minimum".
  std::string schema_location;

  // "/lines/2/quantity: -1 is below the minimum 0" (just the message for the whole document).
  std::string ToString() const;
};

// Reads a schema file named by a $ref; the default reads the local file system.
using SchemaFileReader = std::function<Result<std::string>(const std::filesystem::path& path)>;

struct SchemaOptions {
  // The file the schema was read from: relative $refs to other files resolve against its folder,
  // and schema locations in failures name it. Without it, a $ref to another file is an error.
  std::filesystem::path source_path;
  // Reads files named by $ref; unset means the local file system.
  SchemaFileReader read_file;
};

class JsonSchema {
 public:
  // Compiles a parsed schema document. Errors are kInvalidArgument: the context is the schema
  // location of the first problem and the message lists every problem found, e.g.
  // "#/properties/sku/minLength: must be a non-negative integer" or
  // "#/properties/x: keyword \"unevaluatedProperties\" is not supported".
  static Result<JsonSchema> Compile(const Value& schema, const SchemaOptions& options = {});
  // Reads, parses and compiles the schema file at `path` (options.source_path is set to it).
  static Result<JsonSchema> CompileFile(const std::filesystem::path& path,
                                        SchemaOptions options = {});

  // Every failure of `instance`, in document order per object, or none when it conforms.
  // Object members whose value is undefined count as absent.
  std::vector<SchemaFailure> Validate(const Value& instance) const;
  // The same verdict as Validate().empty(), stopping at the first failure.
  bool IsValid(const Value& instance) const;

  // The compiled form, private to json_schema.cc.
  struct Compiled;

 private:
  explicit JsonSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

  // Immutable once compiled; shared so that copies of a schema (one per flow step, say) cost
  // nothing.
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace erphub::components
