#include "components/steps/json_schema.h"

#include <gtest/gtest.h>

#include <map>

#include "core/json.h"
#include "json_literal.h"

namespace erphub::components {
namespace {

using ::erphub::testing::Json;
JsonSchema MustCompile(std::string_view schema, const SchemaOptions& options = {}) {
  Result<JsonSchema> compiled = JsonSchema::Compile(Json(schema), options);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  if (!compiled.ok()) {
    return *JsonSchema::Compile(Value::Bool(true));
  }
  return *compiled;
}

std::string CompileError(std::string_view schema, const SchemaOptions& options = {}) {
  Result<JsonSchema> compiled = JsonSchema::Compile(Json(schema), options);
  EXPECT_FALSE(compiled.ok()) << "compiled: " << schema;
  if (compiled.ok()) {
    return "";
  }
  EXPECT_EQ(compiled.status().code(), StatusCode::kInvalidArgument);
  return compiled.status().ToString();
}

// Every failure as "pointer: message", checking that IsValid agrees.
std::vector<std::string> Failures(const JsonSchema& schema, std::string_view instance) {
  Value value = Json(instance);
  std::vector<std::string> out;
  for (const SchemaFailure& f : schema.Validate(value)) {
    out.push_back(f.ToString());
  }
  EXPECT_EQ(schema.IsValid(value), out.empty()) << instance;
  return out;
}

bool Valid(const JsonSchema& schema, std::string_view instance) {
  return Failures(schema, instance).empty();
}

using Strings = std::vector<std::string>;

constexpr std::string_view kOrderSchema = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "order",
  "type": "object",
  "required": ["order_number", "lines"],
  "additionalProperties": false,
  "properties": {
    "order_number": {"type": "string", "minLength": 1},
    "currency": {"enum": ["EUR", "USD"]},
    "order_date": {"type": "string", "format": "date"},
    "email": {"type": ["string", "null"], "format": "email"},
    "lines": {
      "type": "array",
      "minItems": 1,
      "items": {"$ref": "#/$defs/line"}
    }
  },
  "$defs": {
    "line": {
      "type": "object",
      "required": ["sku", "quantity"],
      "properties": {
        "sku": {"type": "string", "pattern": "^[A-Z]{3}-\\d+$"},
        "quantity": {"type": "integer", "minimum": 0},
        "unit_price": {"type": "string"}
      }
    }
  }
})";

TEST(JsonSchema, ReportsEveryFailureWithItsPointer) {
  JsonSchema schema = MustCompile(kOrderSchema);
  EXPECT_TRUE(Valid(schema, R"({"order_number": "1001", "currency": "EUR",
      "order_date": "2025-01-31", "email": null,
      "lines": [{"sku": "ABC-1", "quantity": 2}]})"));
  EXPECT_EQ(Failures(schema, R"({"order_number": "", "currency": "GBP", "extra": 1,
      "order_date": "2025-02-30", "email": "not an email",
      "lines": [{"sku": "ABC-1", "quantity": 1}, {"sku": "abc", "quantity": 2.5},
                {"sku": "XYZ-9", "quantity": -1}, {"quantity": 1}]})"),
            (Strings{
                "/order_number: is 0 characters long, shorter than the minimum 1",
                "/currency: is not one of the allowed values: \"EUR\", \"USD\"",
                "/extra: property is not allowed",
                "/order_date: is not a valid date",
                "/email: is not a valid email",
                "/lines/1/sku: does not match the pattern ^[A-Z]{3}-\\d+$",
                "/lines/1/quantity: expected integer, found number 2.5",
                "/lines/2/quantity: -1 is below the minimum 0",
                "/lines/3/sku: required property is missing",
            }));
  EXPECT_EQ(Failures(schema, R"([])"), (Strings{"expected object, found array"}));
  EXPECT_EQ(Failures(schema, R"({"lines": []})"),
            (Strings{"/order_number: required property is missing",
                     "/lines: has 0 items, fewer than the minimum 1"}));
}

TEST(JsonSchema, FailuresNameTheSchemaKeyword) {
  JsonSchema schema = MustCompile(kOrderSchema);
  std::vector<SchemaFailure> failures = schema.Validate(
      Json(R"({"order_number": "1", "lines": [{"sku": "ABC-1", "quantity": -1}]})"));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].pointer, "/lines/0/quantity");
  EXPECT_EQ(failures[0].schema_location, "#/$defs/line/properties/quantity/minimum");
}

TEST(JsonSchema, TypesIncludingIntegerAndTypeLists) {
  JsonSchema integer = MustCompile(R"({"type": "integer"})");
  EXPECT_TRUE(Valid(integer, "3"));
  EXPECT_TRUE(Valid(integer, "3.0"));
  EXPECT_TRUE(Valid(integer, "-1e3"));
  EXPECT_FALSE(Valid(integer, "3.5"));
  EXPECT_FALSE(Valid(integer, "\"3\""));
  JsonSchema number = MustCompile(R"({"type": "number"})");
  EXPECT_TRUE(Valid(number, "3"));
  EXPECT_TRUE(Valid(number, "0.5"));
  EXPECT_FALSE(Valid(number, "null"));
  JsonSchema several = MustCompile(R"({"type": ["string", "null", "boolean"]})");
  EXPECT_TRUE(Valid(several, "null"));
  EXPECT_TRUE(Valid(several, "false"));
  EXPECT_TRUE(Valid(several, "\"x\""));
  EXPECT_EQ(Failures(several, "{}"), (Strings{"expected null, boolean or string, found object"}));
}

TEST(JsonSchema, NumbersCompareExactly) {
  JsonSchema schema = MustCompile(
      R"({"minimum": 0.1, "maximum": 0.3, "exclusiveMaximum": 100, "multipleOf": 0.01})");
  EXPECT_TRUE(Valid(schema, "0.3"));
  EXPECT_TRUE(Valid(schema, "0.10"));
  EXPECT_TRUE(Valid(schema, "0.29"));
  EXPECT_EQ(Failures(schema, "0.30000000000000001"),
            (Strings{"0.30000000000000001 is above the maximum 0.3",
                     "0.30000000000000001 is not a multiple of 0.01"}));
  EXPECT_EQ(Failures(schema, "0.299"), (Strings{"0.299 is not a multiple of 0.01"}));
  EXPECT_EQ(Failures(schema, "0.09999"),
            (Strings{"0.09999 is below the minimum 0.1", "0.09999 is not a multiple of 0.01"}));

  JsonSchema exclusive = MustCompile(R"({"exclusiveMinimum": 0, "exclusiveMaximum": 10})");
  EXPECT_TRUE(Valid(exclusive, "0.000001"));
  EXPECT_EQ(Failures(exclusive, "0"), (Strings{"0 is not above the exclusive minimum 0"}));
  EXPECT_EQ(Failures(exclusive, "10.0"), (Strings{"10 is not below the exclusive maximum 10"}));

  JsonSchema money = MustCompile(R"({"multipleOf": 0.01})");
  EXPECT_TRUE(Valid(money, "18.90"));
  EXPECT_TRUE(Valid(money, "1234567.89"));
  EXPECT_FALSE(Valid(money, "18.905"));
}

TEST(JsonSchema, StringLengthCountsCodePoints) {
  JsonSchema schema = MustCompile(R"({"minLength": 3, "maxLength": 3})");
  EXPECT_TRUE(Valid(schema, "\"abc\""));
  EXPECT_TRUE(Valid(schema, "\"\u00e9\u20ac\\ud83d\\ude00\""));  // 2, 3 and 4 UTF-8 bytes
  EXPECT_EQ(Failures(schema, "\"ab\""),
            (Strings{"is 2 characters long, shorter than the minimum 3"}));
  EXPECT_EQ(Failures(schema, "\"abcd\""),
            (Strings{"is 4 characters long, longer than the maximum 3"}));
  // Keywords for other types ignore strings and vice versa.
  EXPECT_TRUE(Valid(schema, "12345"));
}

TEST(JsonSchema, PatternsUseEcmaScriptSyntaxAndAreNotAnchored) {
  EXPECT_TRUE(Valid(MustCompile(R"({"pattern": "b+"})"), "\"abbbc\""));
  JsonSchema anchored = MustCompile(R"({"pattern": "^[0-9]{4}$"})");
  EXPECT_TRUE(Valid(anchored, "\"2025\""));
  // "$" does not match before a final newline, as in JavaScript.
  EXPECT_FALSE(Valid(anchored, "\"2025\\n\""));
  JsonSchema unicode = MustCompile(R"({"pattern": "^caf\\u00e9 .$"})");
  EXPECT_TRUE(Valid(unicode, "\"caf\u00e9 \u20ac\""));
  // \d is ASCII only.
  EXPECT_FALSE(Valid(MustCompile(R"({"pattern": "^\\d$"})"), "\"\u0664\""));
  EXPECT_TRUE(Valid(anchored, "42"));
}

TEST(JsonSchema, Formats) {
  JsonSchema date = MustCompile(R"({"format": "date"})");
  for (const char* ok : {"2025-01-31", "2024-02-29", "2000-02-29"}) {
    EXPECT_TRUE(Valid(date, "\"" + std::string(ok) + "\"")) << ok;
  }
  for (const char* bad : {"2025-02-29", "1900-02-29", "2025-13-01", "2025-1-01", "2025-01-00",
                          "2025/01/01", "2025-01-01T00:00:00Z", "20250101"}) {
    EXPECT_FALSE(Valid(date, "\"" + std::string(bad) + "\"")) << bad;
  }
  EXPECT_TRUE(Valid(date, "17"));  // formats apply to strings only

  JsonSchema date_time = MustCompile(R"({"format": "date-time"})");
  for (const char* ok :
       {"2025-01-01T09:15:04Z", "2025-01-01t09:15:04.117923z", "2025-01-01T09:15:04+01:00",
        "1990-12-31T15:59:60-08:00", "1990-12-31T23:59:60Z"}) {
    EXPECT_TRUE(Valid(date_time, "\"" + std::string(ok) + "\"")) << ok;
  }
  for (const char* bad :
       {"2025-01-01T09:15:04", "2025-01-01 09:15:04Z", "2025-01-01T24:00:00Z",
        "2025-01-01T09:15:04.Z", "2025-01-01T09:15:04+0100", "1998-12-31T23:58:60Z",
        "2025-02-30T09:15:04Z", "2025-01-01T09:15:04+24:00", "2025-01-01T09:15Z"}) {
    EXPECT_FALSE(Valid(date_time, "\"" + std::string(bad) + "\"")) << bad;
  }

  JsonSchema time = MustCompile(R"({"format": "time"})");
  EXPECT_TRUE(Valid(time, "\"08:30:06Z\""));
  EXPECT_TRUE(Valid(time, "\"01:29:60+01:30\""));
  EXPECT_FALSE(Valid(time, "\"08:30:06\""));
  EXPECT_FALSE(Valid(time, "\"22:59:60Z\""));

  JsonSchema email = MustCompile(R"({"format": "email"})");
  for (const char* ok : {"joe.bloggs@example.com", "te~st@example.com", "\\\"joe bloggs\\\"@x.com",
                         "joe@[127.0.0.1]", "joe@[IPv6:::1]", "a+tag@sub.example.co.uk"}) {
    EXPECT_TRUE(Valid(email, "\"" + std::string(ok) + "\"")) << ok;
  }
  for (const char* bad : {"2962", ".joe@example.com", "joe.@example.com", "jo..e@example.com",
                          "joe@", "@example.com", "joe@-example.com", "joe@exa_mple.com",
                          "joe@[127.0.0.300]", "j\u00f6e@example.com", "joe bloggs@example.com"}) {
    EXPECT_FALSE(Valid(email, "\"" + std::string(bad) + "\"")) << bad;
  }

  JsonSchema uuid = MustCompile(R"({"format": "uuid"})");
  EXPECT_TRUE(Valid(uuid, "\"b54557e4-bdd9-4b37-8a5f-bf7d70bcd043\""));
  EXPECT_FALSE(Valid(uuid, "\"b54557e4bdd94b378a5fbf7d70bcd043\""));
}

TEST(JsonSchema, ObjectKeywords) {
  JsonSchema schema = MustCompile(R"({
    "properties": {"id": {"type": "string"}},
    "patternProperties": {"^x-": {"type": "integer"}},
    "additionalProperties": {"type": "boolean"},
    "propertyNames": {"maxLength": 5},
    "minProperties": 1,
    "maxProperties": 3,
    "dependentRequired": {"bill": ["ship"]}
  })");
  EXPECT_TRUE(Valid(schema, R"({"id": "a", "x-n": 1, "flag": true})"));
  EXPECT_EQ(Failures(schema, R"({"x-n": "1", "flag": 1})"),
            (Strings{"/x-n: expected integer, found string",
                     "/flag: expected boolean, found integer 1"}));
  EXPECT_EQ(Failures(schema, R"({"toolong": true})"),
            (Strings{"/toolong: property name does not conform: is 7 characters long, longer "
                     "than the maximum 5"}));
  EXPECT_EQ(Failures(schema, "{}"), (Strings{"has 0 properties, fewer than the minimum 1"}));
  EXPECT_EQ(Failures(schema, R"({"a": true, "b": true, "c": true, "d": true})"),
            (Strings{"has 4 properties, more than the maximum 3"}));
  EXPECT_EQ(Failures(schema, R"({"bill": true})"),
            (Strings{"/ship: is required when \"bill\" is present"}));
}

TEST(JsonSchema, UndefinedMembersCountAsAbsent) {
  JsonSchema schema =
      MustCompile(R"({"required": ["a"], "additionalProperties": false, "properties": {"a": {}}})");
  Value value = Value::MakeObject();
  value.Set("a", Value::Int(1));
  value.Set("b", Value::Undefined());
  EXPECT_TRUE(schema.Validate(value).empty());
  Value missing = Value::MakeObject();
  missing.Set("a", Value::Undefined());
  std::vector<SchemaFailure> failures = schema.Validate(missing);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].ToString(), "/a: required property is missing");
}

TEST(JsonSchema, ArrayKeywords) {
  JsonSchema tuple =
      MustCompile(R"({"prefixItems": [{"type": "string"}, {"type": "number"}], "items": false})");
  EXPECT_TRUE(Valid(tuple, R"(["a", 1])"));
  EXPECT_TRUE(Valid(tuple, R"(["a"])"));
  EXPECT_EQ(Failures(tuple, R"([1, "a", null])"),
            (Strings{"/0: expected string, found integer 1", "/1: expected number, found string",
                     "has 3 items, more than the 2 allowed"}));
  JsonSchema rest =
      MustCompile(R"({"prefixItems": [{"const": "head"}], "items": {"type": "integer"},
                                    "maxItems": 3, "uniqueItems": true})");
  EXPECT_TRUE(Valid(rest, R"(["head", 1, 2])"));
  EXPECT_EQ(Failures(rest, R"(["tail", 1, 1.0, "x"])"),
            (Strings{"has 4 items, more than the maximum 3", "/0: must equal \"head\"",
                     "/3: expected integer, found string", "items 1 and 2 are equal"}));
  JsonSchema contains =
      MustCompile(R"({"contains": {"type": "string"}, "minContains": 2, "maxContains": 3})");
  EXPECT_TRUE(Valid(contains, R"(["a", 1, "b"])"));
  EXPECT_EQ(Failures(contains, R"(["a", 1])"),
            (Strings{"has 1 matching item, fewer than the minimum 2"}));
  EXPECT_EQ(Failures(contains, R"(["a", "b", "c", "d"])"),
            (Strings{"has 4 matching items, more than the maximum 3"}));
}

TEST(JsonSchema, EnumAndConstCompareDeeply) {
  JsonSchema schema = MustCompile(R"({"enum": [1, {"a": [1, 2]}, null]})");
  EXPECT_TRUE(Valid(schema, "1.0"));
  EXPECT_TRUE(Valid(schema, R"({"a": [1, 2.00]})"));
  EXPECT_TRUE(Valid(schema, "null"));
  EXPECT_FALSE(Valid(schema, R"({"a": [2, 1]})"));
  EXPECT_FALSE(Valid(schema, "\"1\""));
  JsonSchema constant = MustCompile(R"({"const": {"k": false}})");
  EXPECT_TRUE(Valid(constant, R"({"k": false})"));
  EXPECT_EQ(Failures(constant, R"({"k": 0})"), (Strings{"must equal {\"k\":false}"}));
}

TEST(JsonSchema, Combinators) {
  JsonSchema all =
      MustCompile(R"({"allOf": [{"minimum": 1}, {"maximum": 5}, {"type": "integer"}]})");
  EXPECT_TRUE(Valid(all, "3"));
  EXPECT_EQ(Failures(all, "7.5"),
            (Strings{"7.5 is above the maximum 5", "expected integer, found number 7.5"}));

  JsonSchema any = MustCompile(R"({"anyOf": [{"type": "string"}, {"minimum": 10}]})");
  EXPECT_TRUE(Valid(any, "\"x\""));
  EXPECT_TRUE(Valid(any, "12"));
  EXPECT_EQ(Failures(any, "3"),
            (Strings{"matches none of the anyOf schemas (0: expected string, found integer 3; "
                     "1: 3 is below the minimum 10)"}));

  JsonSchema one = MustCompile(R"({"oneOf": [{"type": "integer"}, {"minimum": 2}]})");
  EXPECT_TRUE(Valid(one, "1"));
  EXPECT_TRUE(Valid(one, "2.5"));
  EXPECT_EQ(Failures(one, "3"),
            (Strings{"matches 2 of the oneOf schemas (0, 1), expected exactly one"}));
  EXPECT_FALSE(Valid(one, "1.5"));

  JsonSchema negated = MustCompile(R"({"not": {"type": "null"}})");
  EXPECT_TRUE(Valid(negated, "0"));
  EXPECT_EQ(Failures(negated, "null"), (Strings{"matches the schema it must not match"}));

  JsonSchema conditional = MustCompile(R"({
    "if": {"properties": {"country": {"const": "US"}}, "required": ["country"]},
    "then": {"required": ["state"]},
    "else": {"required": ["postal_code"]}
  })");
  EXPECT_TRUE(Valid(conditional, R"({"country": "US", "state": "CA"})"));
  EXPECT_TRUE(Valid(conditional, R"({"country": "DE", "postal_code": "10115"})"));
  EXPECT_EQ(Failures(conditional, R"({"country": "US"})"),
            (Strings{"/state: required property is missing"}));
  EXPECT_EQ(Failures(conditional, R"({"country": "DE"})"),
            (Strings{"/postal_code: required property is missing"}));
}

TEST(JsonSchema, BooleanSchemas) {
  EXPECT_TRUE(Valid(MustCompile("true"), R"({"anything": [1]})"));
  EXPECT_EQ(Failures(MustCompile("false"), "1"), (Strings{"no value is allowed here"}));
  JsonSchema nested = MustCompile(R"({"properties": {"gone": false}})");
  EXPECT_EQ(Failures(nested, R"({"gone": 1})"), (Strings{"/gone: no value is allowed here"}));
}

TEST(JsonSchema, PointerTokensAreEscaped) {
  JsonSchema schema = MustCompile(R"({"additionalProperties": {"type": "string"}})");
  EXPECT_EQ(Failures(schema, R"({"a/b~c": 1})"),
            (Strings{"/a~1b~0c: expected string, found integer 1"}));
}

TEST(JsonSchema, RecursiveRefs) {
  JsonSchema tree = MustCompile(R"({
    "$defs": {"node": {"type": "object", "required": ["name"],
                       "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
    "$ref": "#/$defs/node"
  })");
  EXPECT_TRUE(
      Valid(tree, R"({"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]})"));
  EXPECT_EQ(Failures(tree, R"({"name": "a", "children": [{"children": [{"name": 1}, {}]}]})"),
            (Strings{"/children/0/name: required property is missing",
                     "/children/0/children/1/name: required property is missing"}));
  JsonSchema self = MustCompile(R"({"properties": {"next": {"$ref": "#"}}, "required": ["v"]})");
  EXPECT_TRUE(Valid(self, R"({"v": 1, "next": {"v": 2}})"));
  EXPECT_FALSE(Valid(self, R"({"v": 1, "next": {"next": {"v": 3}}})"));
  // JSON pointer escapes and %-escapes in the fragment.
  JsonSchema escaped =
      MustCompile(R"({"$defs": {"a/b": {"type": "string"}, "c d": {"type": "null"}},
      "properties": {"x": {"$ref": "#/$defs/a~1b"}, "y": {"$ref": "#/$defs/c%20d"}}})");
  EXPECT_EQ(
      Failures(escaped, R"({"x": 1, "y": 1})"),
      (Strings{"/x: expected string, found integer 1", "/y: expected null, found integer 1"}));
}

// Schema files held in memory, read through SchemaOptions::read_file.
SchemaOptions InMemoryFiles(std::map<std::string, std::string> files, std::string source) {
  SchemaOptions options;
  options.source_path = std::move(source);
  options.read_file =
      [files = std::move(files)](const std::filesystem::path& path) -> Result<std::string> {
    auto it = files.find(path.generic_string());
    if (it == files.end()) {
      return NotFoundError("no such file", path.generic_string());
    }
    return it->second;
  };
  return options;
}

TEST(JsonSchema, RefsToOtherFilesResolveRelativeToTheReferringFile) {
  SchemaOptions options = InMemoryFiles(
      {
          {"/schemas/canonical/customer.json",
           R"({"type": "object", "required": ["email"],
               "properties": {"email": {"type": "string", "format": "email"},
                              "address": {"$ref": "../common/types.json#/$defs/address"}}})"},
          {"/schemas/common/types.json",
           R"({"$defs": {"address": {"type": "object", "required": ["country"],
                                     "properties": {"country": {"$ref": "#/$defs/country"}}},
                         "country": {"type": "string", "pattern": "^[A-Z]{2}$"}}})"},
      },
      "/schemas/canonical/sales_order.json");
  JsonSchema schema = MustCompile(
      R"({"properties": {"customer": {"$ref": "customer.json"},
                         "ship_to": {"$ref": "./../common/types.json#/$defs/address"}}})",
      options);
  EXPECT_TRUE(
      Valid(schema, R"({"customer": {"email": "a@b.example"}, "ship_to": {"country": "DE"}})"));
  Value bad = Json(R"({"customer": {"address": {"country": "Germany"}}, "ship_to": {}})");
  std::vector<SchemaFailure> failures = schema.Validate(bad);
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].ToString(), "/customer/email: required property is missing");
  EXPECT_EQ(failures[0].schema_location, "customer.json#/required");
  EXPECT_EQ(failures[1].ToString(),
            "/customer/address/country: does not match the pattern ^[A-Z]{2}$");
  EXPECT_EQ(failures[1].schema_location, "../common/types.json#/$defs/country/pattern");
  EXPECT_EQ(failures[2].ToString(), "/ship_to/country: required property is missing");
}

TEST(JsonSchema, CompileFileReadsTheSchemaAndItsRefs) {
  SchemaOptions options = InMemoryFiles(
      {
          {"/s/order.json", R"({"properties": {"line": {"$ref": "line.json"}}})"},
          {"/s/line.json", R"({"properties": {"qty": {"minimum": 1}}})"},
      },
      "");
  Result<JsonSchema> schema = JsonSchema::CompileFile("/s/order.json", options);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  std::vector<SchemaFailure> failures = schema->Validate(Json(R"({"line": {"qty": 0}})"));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].ToString(), "/line/qty: 0 is below the minimum 1");
  EXPECT_EQ(failures[0].schema_location, "line.json#/properties/qty/minimum");

  Result<JsonSchema> missing = JsonSchema::CompileFile("/s/none.json", options);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(JsonSchema::CompileFile("/work/no/such/schema.json").status().code(),
            StatusCode::kNotFound);
}

TEST(JsonSchema, CompileErrorsNameThePlaceAndTheProblem) {
  EXPECT_EQ(CompileError(R"({"properties": {"x": {"unevaluatedProperties": false}}})"),
            "#/properties/x: keyword \"unevaluatedProperties\" is not supported");
  EXPECT_EQ(CompileError(R"({"minLength": -1})"), "#/minLength: must be a non-negative integer");
  EXPECT_EQ(CompileError(R"({"minLength": 1.5})"), "#/minLength: must be a non-negative integer");
  EXPECT_EQ(CompileError(R"({"type": "text"})"),
            "#/type: unknown type \"text\"; expected null, boolean, object, array, number, "
            "string or integer");
  EXPECT_EQ(CompileError(R"({"format": "hostname"})"),
            "#/format: format \"hostname\" is not supported; supported: date, date-time, time, "
            "email, uuid");
  EXPECT_NE(CompileError(R"({"pattern": "(unclosed"})").find("#/pattern: invalid pattern"),
            std::string::npos);
  EXPECT_EQ(CompileError(R"({"items": [{}, {}]})"),
            "#/items: must be a schema; an array of schemas is spelled prefixItems in draft "
            "2020-12");
  EXPECT_EQ(CompileError(R"({"$ref": "#/$defs/none"})"),
            "#/$ref: $ref \"#/$defs/none\" points to nothing");
  EXPECT_EQ(CompileError(R"({"$ref": "https://example.com/s.json"})"),
            "#/$ref: $ref \"https://example.com/s.json\" is not supported: only \"#/...\" and "
            "relative file paths are");
  EXPECT_EQ(CompileError(R"({"$ref": "#anchor"})"),
            "#/$ref: $ref \"#anchor\": anchors are not supported");
  EXPECT_EQ(CompileError(R"({"$ref": "other.json"})"),
            "#/$ref: a $ref to another file needs the schema's own file path");
  EXPECT_EQ(CompileError(R"({"properties": {"a": {"$id": "x"}}})"),
            "#/properties/a/$id: $id is only supported at the root of a schema file");
  EXPECT_EQ(CompileError(R"({"multipleOf": 0})"), "#/multipleOf: must be greater than 0");
  EXPECT_EQ(CompileError(R"({"properties": []})"), "#/properties: must be an object of schemas");
  EXPECT_EQ(CompileError(R"({"anyOf": []})"), "#/anyOf: must be a non-empty array of schemas");
  EXPECT_EQ(CompileError(R"(17)"), "#: a schema must be an object or a boolean");
  // Mistakes in definitions nobody uses yet are reported too.
  EXPECT_EQ(CompileError(R"({"$defs": {"unused": {"maxItems": "3"}}})"),
            "#/$defs/unused/maxItems: must be a non-negative integer");
}

TEST(JsonSchema, CompileListsEveryProblem) {
  std::string error = CompileError(R"({"requried": ["a"], "properties": {"n": {"minimum": "0"}}})");
  EXPECT_EQ(error,
            "#: keyword \"requried\" is not supported\n#/properties/n/minimum: must be a number");
}

TEST(JsonSchema, RefCyclesThatNeverReachAValueAreRejected) {
  std::string error = CompileError(
      R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}})");
  EXPECT_NE(error.find("$ref cycle"), std::string::npos) << error;
  EXPECT_NE(CompileError(R"({"$ref": "#"})").find("$ref cycle"), std::string::npos);
}

TEST(JsonSchema, AnnotationsAndExtensionsAreIgnored) {
  JsonSchema schema = MustCompile(R"({"$id": "https://erphub.dev/schemas/x.json",
      "$comment": "c", "title": "t", "description": "d", "default": 1, "examples": [1],
      "deprecated": false, "readOnly": true, "writeOnly": false, "x-erphub-money": true,
      "contentMediaType": "application/json"})");
  EXPECT_TRUE(Valid(schema, "1"));
}

TEST(JsonSchema, CopiesShareTheCompiledSchema) {
  JsonSchema original = MustCompile(R"({"type": "string"})");
  JsonSchema copy = original;
  EXPECT_TRUE(copy.IsValid(Value::Str("x")));
  EXPECT_FALSE(copy.IsValid(Value::Int(1)));
}

}  // namespace
}  // namespace erphub::components
