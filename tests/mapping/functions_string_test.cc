#include <gtest/gtest.h>

#include "core/json.h"
#include "mapping/fake_call_context.h"
#include "mapping/function_value.h"
#include "mapping/regex.h"

namespace erphub::jsonata {
namespace {

using testing::CallBuiltin;
using testing::FakeCallContext;
using testing::Json;
using testing::MakeFunction;
using testing::MakeRegex;

class StringFunctionsTest : public ::testing::Test {
 protected:
  // Calls the built-in and returns its result as JSON text ("undefined" for no value).
  std::string Call(std::string_view name, std::vector<Value> args) {
    JResult<Value> result = CallBuiltin(ctx_, name, std::move(args));
    if (!result.ok()) {
      return "error " + std::string(result.error().code());
    }
    last_ = *result;
    return result->is_undefined() ? "undefined" : ToJson(*result);
  }
  Error CallError(std::string_view name, std::vector<Value> args) {
    JResult<Value> result = CallBuiltin(ctx_, name, std::move(args));
    EXPECT_FALSE(result.ok());
    return result.ok() ? Error("NONE", "") : std::move(result).error();
  }
  static Value S(std::string_view s) { return Value::Str(s); }
  static Value N(double d) { return Value::Double(d); }
  static Value I(int64_t i) { return Value::Int(i); }

  FakeCallContext ctx_;
  Value last_;
};

TEST_F(StringFunctionsTest, StringOfValues) {
  EXPECT_EQ(Call("string", {I(5)}), "\"5\"");
  EXPECT_EQ(Call("string", {Value()}), "undefined");
  EXPECT_EQ(Call("string", {Json(R"({"a":[1,true]})")}), R"("{\"a\":[1,true]}")");
  EXPECT_EQ(Call("string", {Json("[1]"), Value::Bool(true)}), R"("[\n  1\n]")");
  EXPECT_EQ(Call("string", {N(1.0 / 0.0)}), "error D3001");
  Value nested = Value::MakeObject();
  nested.Set("inf", N(1.0 / 0.0));
  EXPECT_EQ(Call("string", {nested}), "error D1001");
}

TEST_F(StringFunctionsTest, LengthCountsCodePoints) {
  EXPECT_EQ(Call("length", {S("")}), "0");
  EXPECT_EQ(Call("length", {S("\xF0\x9D\x84\x9E\xF0\x9F\x92\xA9")}), "2");
  EXPECT_EQ(Call("length", {S("\xCE\xBB-calculus")}), "10");
  EXPECT_EQ(Call("length", {Value()}), "undefined");
}

TEST_F(StringFunctionsTest, SubstringFollowsSliceRules) {
  EXPECT_EQ(Call("substring", {S("hello world"), I(0), I(5)}), "\"hello\"");
  EXPECT_EQ(Call("substring", {S("hello world"), I(-5), I(4)}), "\"worl\"");
  EXPECT_EQ(Call("substring", {S("hello world"), I(6)}), "\"world\"");
  EXPECT_EQ(Call("substring", {S("hello world"), I(-5), I(-1)}), "\"\"");
  EXPECT_EQ(Call("substring", {S("hello world"), I(-100), I(3)}), "\"hel\"");
  EXPECT_EQ(Call("substring", {S("hello"), N(1.7), N(2.2)}), "\"el\"");
  // Three emoji: code points, not bytes or UTF-16 units.
  std::string emoji = "\xF0\x9F\x98\x82\xF0\x9F\x98\x81\xF0\x9F\x98\x80";
  EXPECT_EQ(Call("substring", {S(emoji), I(-2), I(1)}), "\"\xF0\x9F\x98\x81\"");
  EXPECT_EQ(Call("substring", {S(emoji), I(-5), I(1)}), "\"\xF0\x9F\x98\x82\"");
  EXPECT_EQ(Call("substring", {Value(), I(1)}), "undefined");
}

TEST_F(StringFunctionsTest, SubstringBeforeAndAfter) {
  EXPECT_EQ(Call("substringBefore", {S("Hello World"), S("l")}), "\"He\"");
  EXPECT_EQ(Call("substringBefore", {S("Hello World"), S("f")}), "\"Hello World\"");
  EXPECT_EQ(Call("substringAfter", {S("Hello World"), S("l")}), "\"lo World\"");
  EXPECT_EQ(Call("substringAfter", {S("Hello World"), S("ld")}), "\"\"");
}

TEST_F(StringFunctionsTest, CaseMappingIsUnicodeAware) {
  EXPECT_EQ(Call("uppercase", {S("Hello World")}), "\"HELLO WORLD\"");
  EXPECT_EQ(Call("lowercase", {S("Hello World")}), "\"hello world\"");
  EXPECT_EQ(Call("uppercase", {S("stra\xC3\x9F"
                                 "e \xC3\xA9t\xC3\xA9")}),
            "\"STRASSE \xC3\x89T\xC3\x89\"");
  EXPECT_EQ(Call("lowercase", {S("\xD0\xA8\xD0\x95")}), "\"\xD1\x88\xD0\xB5\"");
}

TEST_F(StringFunctionsTest, TrimNormalizesWhitespace) {
  EXPECT_EQ(Call("trim", {S("   Hello  \n \t World  \t ")}), "\"Hello World\"");
  EXPECT_EQ(Call("trim", {S("  ")}), "\"\"");
}

TEST_F(StringFunctionsTest, PadBothSides) {
  EXPECT_EQ(Call("pad", {S("foo"), I(5)}), "\"foo  \"");
  EXPECT_EQ(Call("pad", {S("foo"), I(-5)}), "\"  foo\"");
  EXPECT_EQ(Call("pad", {S("foo"), I(-7), S("#*")}), "\"#*#*foo\"");
  EXPECT_EQ(Call("pad", {S("foo"), I(8), S("-+")}), "\"foo-+-+-\"");
  EXPECT_EQ(Call("pad", {S("foo"), I(2)}), "\"foo\"");
  EXPECT_EQ(Call("pad", {S("\xE2\x82\xAC"), I(3), S("\xC3\xA9")}),
            "\"\xE2\x82\xAC\xC3\xA9\xC3\xA9\"");
}

TEST_F(StringFunctionsTest, ContainsStringAndMatcher) {
  EXPECT_EQ(Call("contains", {S("Hello World"), S("lo")}), "true");
  EXPECT_EQ(Call("contains", {S("Hello World"), S("world")}), "false");
  EXPECT_EQ(Call("contains", {S("ababbxabbcc"), MakeRegex("ab+")}), "true");
  EXPECT_EQ(Call("contains", {S("ababbxabbcc"), MakeRegex("ax+")}), "false");
  EXPECT_EQ(Call("contains", {Value(), S("x")}), "undefined");
}

TEST_F(StringFunctionsTest, SplitByString) {
  EXPECT_EQ(Call("split", {S("Hello  World"), S(" ")}), R"(["Hello","","World"])");
  EXPECT_EQ(Call("split", {S("Hello"), S("")}), R"(["H","e","l","l","o"])");
  EXPECT_EQ(Call("split", {S("a, b, c, d"), S(", "), N(2.5)}), R"(["a","b"])");
  EXPECT_EQ(Call("split", {S("a, b, c, d"), S(", "), I(0)}), "[]");
  EXPECT_EQ(Call("split", {S("12\xF0\x9F\x92\xA9"
                             "345"),
                           S("\xF0\x9F\x92\xA9")}),
            R"(["12","345"])");
  EXPECT_FALSE(last_.has_flag(kFlagSequence));
  EXPECT_EQ(Call("split", {S("a, b"), S(", "), I(-3)}), "error D3020");
}

TEST_F(StringFunctionsTest, SplitByMatcher) {
  EXPECT_EQ(Call("split", {S("ababbxabbcc"), MakeRegex("b+")}), R"(["a","a","xa","cc"])");
  EXPECT_EQ(Call("split", {S("ababbxabbcc"), MakeRegex("b+"), I(2)}), R"(["a","a"])");
  EXPECT_EQ(Call("split", {S("ababbxabbcc"), MakeRegex("d+")}), R"(["ababbxabbcc"])");
}

TEST_F(StringFunctionsTest, MatcherReturningWrongShapeIsT1010) {
  Value not_a_matcher =
      MakeFunction([](auto) -> JResult<Value> { return Value::Str(std::string("X")); }, 1);
  EXPECT_EQ(Call("split", {S("some text"), not_a_matcher}), "error T1010");
}

TEST_F(StringFunctionsTest, JoinStrings) {
  EXPECT_EQ(Call("join", {Json(R"(["hello","world"])"), S(", ")}), "\"hello, world\"");
  EXPECT_EQ(Call("join", {Json(R"(["a","b"])")}), "\"ab\"");
  EXPECT_EQ(Call("join", {Json("[]"), S(", ")}), "\"\"");
  EXPECT_EQ(Call("join", {Value()}), "undefined");
}

TEST_F(StringFunctionsTest, MatchReturnsSequenceOfMatchObjects) {
  EXPECT_EQ(Call("match", {S("ababbabbcc"), MakeRegex("a(b+)")}),
            R"([{"match":"ab","index":0,"groups":["b"]},)"
            R"({"match":"abb","index":2,"groups":["bb"]},)"
            R"({"match":"abb","index":5,"groups":["bb"]}])");
  EXPECT_TRUE(last_.has_flag(kFlagSequence));
  EXPECT_EQ(Call("match", {S("ababbabbcc"), MakeRegex("a(b+)"), I(1)}),
            R"([{"match":"ab","index":0,"groups":["b"]}])");
  EXPECT_EQ(Call("match", {S("abc"), MakeRegex("a"), I(-1)}), "error D3040");
}

TEST_F(StringFunctionsTest, ReplaceString) {
  EXPECT_EQ(Call("replace", {S("the cat sat on the mat"), S("at"), S("it")}),
            "\"the cit sit on the mit\"");
  EXPECT_EQ(Call("replace", {S("the cat sat on the mat"), S("at"), S("it"), I(2)}),
            "\"the cit sit on the mat\"");
  EXPECT_EQ(Call("replace", {S("hello"), S(""), S("bye")}), "error D3010");
  EXPECT_EQ(Call("replace", {S("hello"), S("l"), S("1"), I(-2)}), "error D3011");
}

TEST_F(StringFunctionsTest, ReplaceRegexWithGroupReferences) {
  EXPECT_EQ(Call("replace", {S("John Smith"), MakeRegex(R"((\w+)\s(\w+))"), S("$2, $1")}),
            "\"Smith, John\"");
  EXPECT_EQ(Call("replace", {S("265USD"), MakeRegex("([0-9]+)USD"), S("$0 -> $$$1")}),
            "\"265USD -> $265\"");
  EXPECT_EQ(Call("replace", {S("265USD"), MakeRegex("([0-9]+)USD"), S("$w")}), "\"$w\"");
  EXPECT_EQ(Call("replace", {S("abcd"), MakeRegex("(ab)|(a)"), S("[1=$1][2=$2]")}),
            "\"[1=ab][2=]cd\"");
  EXPECT_EQ(
      Call("replace", {S("abcdefghijklmno"), MakeRegex("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)(m)"),
                       S("$8$5$12$12$18$123")}),
      "\"hella8l3no\"");
  EXPECT_EQ(Call("replace", {S("abcdefghijklmno"), MakeRegex("ijk"), S("$8$5$12$12$18$123")}),
            "\"abcdefgh22823lmno\"");
  EXPECT_EQ(Call("replace", {S("abcdefghijklmno"), MakeRegex("(ijk)"), S("$x$")}),
            "\"abcdefgh$x$lmno\"");
  EXPECT_EQ(Call("replace", {S("ababbxabbcc"), MakeRegex("b+"), S("yy"), I(2)}),
            "\"ayyayyxabbcc\"");
}

TEST_F(StringFunctionsTest, ReplaceRegexWithFunction) {
  Value upper = MakeFunction(
      [this](std::span<const Value> args) -> JResult<Value> {
        return CallBuiltin(ctx_, "uppercase", {args[0].Get("match")});
      },
      1);
  EXPECT_EQ(Call("replace", {S("Bowler hat"), MakeRegex("(h)(at)"), upper}), "\"Bowler HAT\"");
  Value number = MakeFunction([](auto) -> JResult<Value> { return Value::Int(42); }, 1);
  EXPECT_EQ(Call("replace", {S("Bowler hat"), MakeRegex("hat"), number}), "error D3012");
}

TEST_F(StringFunctionsTest, ReplaceStringPatternWithFunction) {
  Value position = MakeFunction(
      [](std::span<const Value> args) -> JResult<Value> {
        return Value::Str(ToJson(args[0].Get("start")) + "-" + ToJson(args[0].Get("end")));
      },
      1);
  EXPECT_EQ(Call("replace", {S("\xC3\xA9"
                               "ab\xC3\xA9"
                               "ab"),
                             S("ab"), position}),
            "\"\xC3\xA9"
            "1-3\xC3\xA9"
            "4-6\"");
}

TEST_F(StringFunctionsTest, ReplaceKeepsMultibyteTextAroundMatches) {
  EXPECT_EQ(Call("replace", {S("\xC3\xA9"
                               "a\xC3\xA9"
                               "a"),
                             MakeRegex("a"), S("b")}),
            "\"\xC3\xA9"
            "b\xC3\xA9"
            "b\"");
}

// Regex literals are searched directly rather than through their function values.
Value RegexLiteral(std::string_view pattern, std::string_view flags = "") {
  return Value::Function(new RegexFunction(Regex::Compile(pattern, flags).value()));
}

TEST_F(StringFunctionsTest, RegexLiteralMatchesCountCodePoints) {
  EXPECT_EQ(Call("match", {S("\xC3\xA9"
                             "1\xC3\xA9"
                             "22"),
                           RegexLiteral("\\d+")}),
            R"([{"match":"1","index":1,"groups":[]},{"match":"22","index":3,"groups":[]}])");
  EXPECT_EQ(Call("replace", {S("\xC3\xA9"
                               "a\xC3\xA9"
                               "a"),
                             RegexLiteral("a"), S("b")}),
            "\"\xC3\xA9"
            "b\xC3\xA9"
            "b\"");
  EXPECT_EQ(Call("split", {S("a1b22c"), RegexLiteral("\\d+")}), R"(["a","b","c"])");
  EXPECT_EQ(Call("contains", {S("Bowler HAT"), RegexLiteral("hat", "i")}), "true");
}

TEST_F(StringFunctionsTest, RegexLiteralGroupsAndLimits) {
  EXPECT_EQ(Call("replace", {S("abcd"), RegexLiteral("(ab)|(a)"), S("[1=$1][2=$2]")}),
            "\"[1=ab][2=]cd\"");
  EXPECT_EQ(Call("replace", {S("ababbxabbcc"), RegexLiteral("b+"), S("yy"), I(2)}),
            "\"ayyayyxabbcc\"");
  EXPECT_EQ(Call("split", {S("ababbxabbcc"), RegexLiteral("b+"), I(2)}), R"(["a","a"])");
  EXPECT_EQ(Call("match", {S("aaa"), RegexLiteral("a"), N(1.5)}),
            R"([{"match":"a","index":0,"groups":[]},{"match":"a","index":1,"groups":[]}])");
  EXPECT_EQ(ctx_.apply_count, 0);
}

TEST_F(StringFunctionsTest, RegexLiteralEmptyMatchesAfterTheFirstAreD1004) {
  EXPECT_EQ(Call("replace", {S("abracadabra"), RegexLiteral(".*?"), S("$1")}), "error D1004");
  EXPECT_EQ(Call("match", {S("abc"), RegexLiteral("x*")}), "error D1004");
  EXPECT_EQ(Call("match", {S("abc"), RegexLiteral("b|$")}), "error D1004");
  EXPECT_EQ(Call("match", {S("ab"), RegexLiteral("b|$")}),
            R"([{"match":"b","index":1,"groups":[]}])");
  // The first match may be empty; nothing follows the end of the subject.
  EXPECT_EQ(Call("match", {S(""), RegexLiteral("x*")}), R"([{"match":"","index":0,"groups":[]}])");
  EXPECT_EQ(Call("contains", {S("abc"), RegexLiteral("x*")}), "true");
  EXPECT_EQ(Call("match", {S("abc"), RegexLiteral("x*"), I(1)}),
            R"([{"match":"","index":0,"groups":[]}])");
}

TEST_F(StringFunctionsTest, Base64RoundTrip) {
  EXPECT_EQ(Call("base64encode", {S("myuser:mypass")}), "\"bXl1c2VyOm15cGFzcw==\"");
  EXPECT_EQ(Call("base64decode", {S("bXl1c2VyOm15cGFzcw==")}), "\"myuser:mypass\"");
  EXPECT_EQ(Call("base64encode", {S("\xE2\x82\xAC")}), "\"4oKs\"");
  EXPECT_EQ(Call("base64decode", {S("4oKs")}), "\"\xE2\x82\xAC\"");
  EXPECT_EQ(Call("base64decode", {S("6Q==")}), "\"\xC3\xA9\"");  // Latin-1 0xE9
}

TEST_F(StringFunctionsTest, UrlEncoding) {
  EXPECT_EQ(Call("encodeUrlComponent", {S("?x=test")}), "\"%3Fx%3Dtest\"");
  EXPECT_EQ(Call("encodeUrl", {S("https://mozilla.org/?x=\xD1\x88\xD0\xB5")}),
            "\"https://mozilla.org/?x=%D1%88%D0%B5\"");
  EXPECT_EQ(Call("decodeUrlComponent", {S("%3Fx%3Dtest")}), "\"?x=test\"");
  EXPECT_EQ(Call("decodeUrl", {S("%3Fx%3D%D1%88")}), "\"%3Fx%3D\xD1\x88\"");
}

TEST_F(StringFunctionsTest, MalformedUrlErrors) {
  Error error = CallError("decodeUrl", {S("%E0%A4%A")});
  EXPECT_EQ(error.code(), "D3140");
  EXPECT_EQ(error.message(), "Malformed URL passed to $decodeUrl(): \"%E0%A4%A\"");
  EXPECT_EQ(CallError("decodeUrlComponent", {S("%C0%80")}).code(), "D3140");  // overlong
  Error lone = CallError("encodeUrlComponent", {S("\xED\xA0\x80")});          // WTF-8 U+D800
  EXPECT_EQ(lone.code(), "D3140");
  EXPECT_EQ(lone.info().function_name, "encodeUrlComponent");
  EXPECT_EQ(lone.info().value.as_string(), "\xED\xA0\x80");
}

TEST_F(StringFunctionsTest, SignaturesMatchTheReference) {
  EXPECT_EQ(testing::FindBuiltin("replace")->signature, "<s-(sf)(sf)n?:s>");
  EXPECT_EQ(testing::FindBuiltin("match")->signature, "<s-f<s:o>n?:a<o>>");
  EXPECT_EQ(testing::FindBuiltin("string")->signature, "<x-b?:s>");
}

}  // namespace
}  // namespace erphub::jsonata
