#include "core/json.h"

#include <gtest/gtest.h>

#include <string>

namespace erphub {
namespace {

Value Parse(std::string_view text) {
  Result<Value> r = ParseJson(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Value();
}

std::string RoundTrip(std::string_view text) { return ToJson(Parse(text)); }

Status ParseFailure(std::string_view text, const JsonParseOptions& options = {}) {
  Result<Value> r = ParseJson(text, options);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? Status() : r.error();
}

TEST(JsonTest, RoundTripsCompactText) {
  for (std::string_view text :
       {R"({"a":1,"b":[true,false,null],"c":"x\ny","d":1.5e+300,"e":{},"f":[]})",
        R"([-1,0.25,"\"quoted\" \\ back/slash",{"nested":{"deep":[[]]}}])", R"("plain")", "123.456",
        "true", "null", R"({"order":{"z":1,"a":2,"m":3}})"}) {
    EXPECT_EQ(RoundTrip(text), text);
  }
}

TEST(JsonTest, AcceptsWhitespaceAndNormalizesNumbers) {
  EXPECT_EQ(RoundTrip(" \t\r\n[ 1 , 2 ]\n "), "[1,2]");
  EXPECT_EQ(RoundTrip("-0"), "0");
  EXPECT_EQ(RoundTrip("1E+2"), "100");
  EXPECT_EQ(RoundTrip("18.90"), "18.9");
  EXPECT_EQ(RoundTrip("1e21"), "1e+21");
  EXPECT_EQ(RoundTrip("0.0000001"), "1e-7");
}

TEST(JsonTest, KeepsBigAndPreciseNumbers) {
  Value exact = Parse("123456789012345678");
  EXPECT_TRUE(exact.as_number().is_exact());
  EXPECT_EQ(ToJson(exact), "123456789012345678");
  EXPECT_EQ(RoundTrip("-999999999999999999"), "-999999999999999999");
  EXPECT_EQ(RoundTrip("9223372036854775807"), "9223372036854775807");
  EXPECT_TRUE(Parse("12345678901234567890").as_number().is_exact());  // 1234567890123456789e1
  Value big = Parse("12345678901234567891");
  EXPECT_FALSE(big.as_number().is_exact());
  EXPECT_EQ(ToJson(big), "12345678901234567000");
  EXPECT_EQ(RoundTrip("0.1000000000000000000000001"), "0.1");
  EXPECT_EQ(RoundTrip("1e-400"), "0");
  Status s = ParseFailure("[1e400]");
  EXPECT_EQ(s.code(), StatusCode::kParse);
  EXPECT_EQ(s.context(), "line 1, column 2");
}

TEST(JsonTest, DuplicateKeysKeepTheLastValueInTheFirstPlace) {
  EXPECT_EQ(RoundTrip(R"({"a":1,"b":2,"a":3})"), R"({"a":3,"b":2})");
}

TEST(JsonTest, DuplicateKeysInLargeAndNestedObjects) {
  // Past the small-object stage, repeated keys are found by hash; nesting shares the stacks.
  std::string text = "{";
  std::string expected = "{";
  for (int i = 0; i < 40; i++) {
    std::string entry = "\"k" + std::to_string(i) + "\":" + std::to_string(i);
    text += entry + ",";
    expected += (i == 3    ? std::string("\"k3\":\"x\"")
                 : i == 30 ? "\"k30\":[{}]"
                           : entry) +
                (i < 39 ? "," : "}");
  }
  text += R"("k3":"x","k30":[{}]})";
  EXPECT_EQ(RoundTrip(text), expected);
  EXPECT_EQ(RoundTrip(R"([{"a":[1,{"b":2,"b":3}],"a":[]},[[],[4]],{}])"),
            R"([{"a":[]},[[],[4]],{}])");
  EXPECT_FALSE(ParseJson(R"({"a":[1,{"b":)").ok());
  EXPECT_EQ(RoundTrip(R"({"c":[5,6]})"), R"({"c":[5,6]})");
}

TEST(JsonTest, ReportsErrorsWithLineAndColumn) {
  struct Case {
    std::string_view text;
    std::string_view context;
    std::string_view message_part;
  };
  for (const Case& c : {
           Case{R"({"a":1,})", "line 1, column 8", "expected a string key"},
           Case{"{\n  \"a\": tru\n}", "line 2, column 8", "invalid literal"},
           Case{"[1,\n2,\n]", "line 3, column 1", "expected a JSON value"},
           Case{"", "line 1, column 1", "end of input"},
           Case{"[1 2]", "line 1, column 4", "expected ',' or ']'"},
           Case{R"({"a" 1})", "line 1, column 6", "expected ':'"},
           Case{"01", "line 1, column 2", "leading zeros"},
           Case{"1.", "line 1, column 3", "decimal point"},
           Case{"-", "line 1, column 2", "expected a digit"},
           Case{"1e+", "line 1, column 4", "exponent"},
           Case{"1 2", "line 1, column 3", "after the JSON value"},
           Case{"\"abc", "line 1, column 1", "unterminated string"},
           Case{"\"a\tb\"", "line 1, column 3", "control character"},
           Case{R"("\x")", "line 1, column 2", "invalid escape"},
           Case{R"("\u12g4")", "line 1, column 2", "\\u escape"},
           Case{"{\"a\":1", "line 1, column 7", "expected ',' or '}'"},
           Case{"@", "line 1, column 1", "character '@'"},
       }) {
    Status s = ParseFailure(c.text);
    EXPECT_EQ(s.code(), StatusCode::kParse) << c.text;
    EXPECT_EQ(s.context(), c.context) << c.text;
    EXPECT_NE(s.message().find(c.message_part), std::string_view::npos)
        << c.text << ": " << s.message();
  }
}

TEST(JsonTest, LimitsNestingDepth) {
  std::string ok = std::string(512, '[') + std::string(512, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  std::string deep = std::string(513, '[') + std::string(513, ']');
  Status s = ParseFailure(deep);
  EXPECT_NE(s.message().find("nesting deeper than 512"), std::string_view::npos);
  std::string hostile(1000000, '[');
  EXPECT_FALSE(ParseJson(hostile).ok());
  std::string objects;
  for (int i = 0; i < 4; ++i) {
    objects += "{\"a\":";
  }
  objects += "1}}}}";
  JsonParseOptions shallow;
  shallow.max_depth = 3;
  EXPECT_FALSE(ParseJson(objects, shallow).ok());
  shallow.max_depth = 4;
  EXPECT_TRUE(ParseJson(objects, shallow).ok());
}

TEST(JsonTest, DecodesEscapesAndSurrogates) {
  EXPECT_EQ(Parse(R"("\"\\\/\b\f\n\r\t")").as_string(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(Parse(R"("\u00e9\u20AC")").as_string(), "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(Parse(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(Parse(R"("\u0000")").as_string(), std::string_view("\0", 1));
  // Lone surrogates are kept as WTF-8 and written back as escapes.
  Value lone = Parse(R"("a\ud800b")");
  EXPECT_EQ(lone.as_string(),
            "a\xED\xA0\x80"
            "b");
  EXPECT_EQ(ToJson(lone), R"("a\ud800b")");
  EXPECT_EQ(RoundTrip(R"("\udc00")"), R"("\udc00")");
  EXPECT_EQ(RoundTrip(R"("\ud83dx")"), R"("\ud83dx")");
  EXPECT_EQ(RoundTrip(R"("\ud83d\u0041")"), R"("\ud83dA")");
  // Raw UTF-8 passes through.
  EXPECT_EQ(RoundTrip("\"caf\xC3\xA9 \xF0\x9F\x98\x80\""), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
}

TEST(JsonTest, RejectsInvalidUtf8WithItsPosition) {
  const std::string long_string = "\n\"" + std::string(30, 'x') + "\xC3\xA9\xC3\"";
  struct Case {
    std::string_view text;
    std::string_view context;
    std::string_view why;
  };
  for (const Case& c : {
           Case{"\"e\\\\\xED\xA4\xC4\x80\"", "line 1, column 5", "encoded surrogate"},
           Case{"\"\xED\xA0\x80\"", "line 1, column 2", "encoded surrogate"},
           Case{"\"\xED\xBF\xBF\"", "line 1, column 2", "encoded surrogate"},
           Case{"\"\xC0\xAF\"", "line 1, column 2", "overlong"},
           Case{"\"\xC1\xBF\"", "line 1, column 2", "overlong"},
           Case{"\"\xE0\x80\xAF\"", "line 1, column 2", "overlong"},
           Case{"\"\xF0\x80\x80\xAF\"", "line 1, column 2", "overlong"},
           Case{"\"\xF4\x90\x80\x80\"", "line 1, column 2", "beyond U+10FFFF"},
           Case{"\"\xF5\x80\x80\x80\"", "line 1, column 2", "beyond U+10FFFF"},
           Case{"\"\xFF\"", "line 1, column 2", "never used"},
           Case{"\"ab\x80\"", "line 1, column 4", "continuation byte"},
           Case{"\"\xC3\"", "line 1, column 2", "incomplete"},
           Case{"\"\xE2\x82\"", "line 1, column 2", "incomplete"},
           Case{"\"\xF0\x9F\x98", "line 1, column 2", "incomplete"},
           Case{"\"\xE2\x82x\"", "line 1, column 2", "incomplete"},
           // In keys, after escapes (the copying path) and deep in long strings.
           Case{"{\"k\xC3\":1}", "line 1, column 4", "incomplete"},
           Case{"[\"\\n\xED\xA0\x80\"]", "line 1, column 5", "encoded surrogate"},
           Case{long_string, "line 2, column 34", "incomplete"},
       }) {
    Status s = ParseFailure(c.text);
    EXPECT_EQ(s.code(), StatusCode::kParse);
    EXPECT_EQ(s.context(), c.context) << s.message();
    EXPECT_NE(s.message().find("invalid UTF-8"), std::string_view::npos) << s.message();
    EXPECT_NE(s.message().find(c.why), std::string_view::npos) << s.message();
  }
  // The boundaries of each range are accepted.
  for (std::string_view ok :
       {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
        "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF"}) {
    std::string text = "\"" + std::string(ok) + "\"";
    EXPECT_EQ(RoundTrip(text), text);
    EXPECT_EQ(RoundTrip("\"\\t" + std::string(ok) + "\""), "\"\\t" + std::string(ok) + "\"");
  }
  // Escaped lone surrogates stay accepted; only raw encoded ones are refused.
  EXPECT_EQ(RoundTrip(R"(["\ud800","\udfff"])"), R"(["\ud800","\udfff"])");
}

TEST(JsonTest, WritesBytesThatAreNotUtf8AsReplacementCharacters) {
  // Strings from outside JSON text (headers, files) may hold any bytes; the output stays JSON.
  std::string json =
      ToJson(Value::Str("a\xFF"
                        "b\xED\xA4\xC4\x80\xC3"));
  EXPECT_EQ(json,
            "\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD\xC4\x80\xEF\xBF\xBD\"");
  EXPECT_TRUE(ParseJson(json).ok());
  JsonWriteOptions ascii;
  ascii.ascii_only = true;
  EXPECT_EQ(ToJson(Value::Str("\xC0\xAF\xED\xA0\x80"), ascii), R"("\ufffd\ufffd\ud800")");
}

TEST(JsonTest, FindsTheFirstInvalidUtf8Byte) {
  EXPECT_EQ(InvalidUtf8Offset(""), std::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("plain ascii text, long enough for words"), std::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("caf\xC3\xA9 \xF0\x9F\x98\x80"), std::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("0123456789abcdef\xED\xA0\x80"), 16u);
  EXPECT_EQ(InvalidUtf8Offset("\xC3\xA9\xC3"), 2u);
  EXPECT_EQ(InvalidUtf8Offset("ab\xC0\xAF"), 2u);
  EXPECT_EQ(InvalidUtf8Offset("a\xED\xA0\x80", /*allow_lone_surrogates=*/true),
            std::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("a\xED\xA0", /*allow_lone_surrogates=*/true), 1u);
}

TEST(JsonTest, WritesEscapesLikeJsonStringify) {
  std::string out;
  AppendJsonString(out, std::string_view("\x01\x1f\"\\/\n\x7f", 7));
  EXPECT_EQ(out, R"("\u0001\u001f\"\\/\n)"
                 "\x7f\"");
  out.clear();
  AppendJsonString(out, "caf\xC3\xA9 \xF0\x9F\x98\x80", /*ascii_only=*/true);
  EXPECT_EQ(out, R"("caf\u00e9 \ud83d\ude00")");
  JsonWriteOptions ascii;
  ascii.ascii_only = true;
  EXPECT_EQ(ToJson(Value::Str("\xE2\x82\xAC"), ascii), R"("\u20ac")");
}

TEST(JsonTest, SpecialBytesAtEveryOffsetOfLongStrings) {
  for (std::string_view special : {"\"", "\\", "\n", "\x1f", "\xC3\xA9", "\xED\xA0\x80"}) {
    for (size_t at = 0; at <= 40; ++at) {
      std::string text(40, 'x');
      text.insert(at, special);
      std::string json = ToJson(Value::Str(text));
      Value back = Parse(json);
      ASSERT_EQ(back.as_string(), text) << json;
      ASSERT_EQ(ToJson(back), json);
    }
  }
  Status s = ParseFailure("\"" + std::string(37, 'y') + "\x01\"");
  EXPECT_EQ(s.context(), "line 1, column 39");
}

TEST(JsonTest, WritesUndefinedAndFunctionsAsJsonStringifyDoes) {
  Value o = Value::MakeObject();
  o.Set("a", Value());
  o.Set("b", Value::Int(1));
  o.Set("c", Value::MakeArray({Value(), Value::Double(1.0 / 0.0), Value::Null()}));
  EXPECT_EQ(ToJson(o), R"({"b":1,"c":[null,null,null]})");
  EXPECT_EQ(ToJson(Value()), "");
  Value only_undefined = Value::MakeObject();
  only_undefined.Set("x", Value());
  EXPECT_EQ(ToJson(only_undefined), "{}");
  std::string out = "prefix:";
  AppendJson(out, Value::Bool(true));
  EXPECT_EQ(out, "prefix:true");
}

TEST(JsonTest, IndentsLikeJsonStringify) {
  Value v = Parse(R"({"a":[1,{"b":null}],"c":{},"d":[],"e":"s"})");
  JsonWriteOptions pretty;
  pretty.indent = 2;
  EXPECT_EQ(ToJson(v, pretty),
            "{\n"
            "  \"a\": [\n"
            "    1,\n"
            "    {\n"
            "      \"b\": null\n"
            "    }\n"
            "  ],\n"
            "  \"c\": {},\n"
            "  \"d\": [],\n"
            "  \"e\": \"s\"\n"
            "}");
  pretty.indent = 4;
  EXPECT_EQ(ToJson(Parse("[1]"), pretty), "[\n    1\n]");
}

TEST(JsonTest, LargeObjectsParseAndLookUp) {
  std::string text = "{";
  for (int i = 0; i < 100; ++i) {
    text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  }
  text += ",\"k7\":\"dup\"}";
  Value v = Parse(text);
  EXPECT_EQ(v.as_object().size(), 100u);
  EXPECT_EQ(v.Get("k7").as_string(), "dup");
  EXPECT_EQ(v.Get("k99").as_number().ToString(), "99");
  EXPECT_EQ(v.as_object().entries()[7].first, "k7");
}

}  // namespace
}  // namespace erphub
