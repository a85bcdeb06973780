#include "components/text_template.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace erphub::components {
namespace {

std::string Render(std::string_view text, std::string_view input_json,
                   TemplateEscape escape = TemplateEscape::kNone) {
  auto compiled = TextTemplate::Compile(text);
  EXPECT_TRUE(compiled.ok()) << compiled.error().ToString();
  if (!compiled.ok()) {
    return "";
  }
  auto rendered = compiled->Render(*ParseJson(input_json), {}, escape);
  return rendered.ok() ? *rendered : "error: " + std::string(rendered.error().message());
}

TEST(TextTemplateTest, FillsPlaceholdersWithStringsAndJsonText) {
  EXPECT_EQ(Render("plain", "{}"), "plain");
  EXPECT_EQ(Render("{{a}}-{{ b }}-{{ c }}-{{ d }}", R"({"a": "x", "b": 18.90, "c": true,
                                                       "d": [1, "2"]})"),
            R"(x-18.9-true-[1,"2"])");
  EXPECT_EQ(Render("{{ $uppercase(s) }}.json", R"({"s": "ab"})"), "AB.json");
}

TEST(TextTemplateTest, BracesAndClosingMarksInsideTheExpression) {
  EXPECT_EQ(Render(R"({{ {"k": {"v": n}}.k.v }})", R"({"n": 5})"), "5");
  EXPECT_EQ(Render(R"(<{{ "}}" & s }}>)", R"({"s": "x"})"), "<}}x>");
}

TEST(TextTemplateTest, UrlEscapingKeepsAValueInOneSegment) {
  EXPECT_EQ(Render("https://erp/o/{{ id }}?q={{ q }}", R"({"id": "A/1 ü", "q": "a&b=c"})",
                   TemplateEscape::kUrlComponent),
            "https://erp/o/A%2F1%20%C3%BC?q=a%26b%3Dc");
}

TEST(TextTemplateTest, MissingValueIsAnErrorNamingThePlaceholder) {
  EXPECT_EQ(Render("x{{ nope }}", "{}"), "error: {{ nope }} produced no value");
  EXPECT_EQ(Render("x{{ $number(s) }}", R"({"s": "q"})").rfind("error: {{ $number(s) }}: D3030", 0),
            0u);
}

TEST(TextTemplateTest, CompileErrorsNameThePlace) {
  auto unclosed = TextTemplate::Compile("a\nb {{ x");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_EQ(unclosed.error().message(), "the placeholder at line 2, column 3 has no closing }}");
  auto empty = TextTemplate::Compile("{{ }}");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message(), "the placeholder at line 1, column 1 is empty");
  auto bad = TextTemplate::Compile("ab{{ a + }}");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("{{ a + }}: S0"), std::string::npos)
      << bad.error().message();
}

}  // namespace
}  // namespace erphub::components
