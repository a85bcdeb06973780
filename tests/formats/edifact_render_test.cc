#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "formats/edifact/edifact.h"
#include "json_literal.h"

namespace erphub::formats::edifact {
namespace {

using ::erphub::testing::Json;
std::string RenderOk(const Value& document, RenderOptions options = {.line_breaks = false}) {
  auto rendered = Render(document, options);
  EXPECT_TRUE(rendered.ok()) << rendered.status().ToString();
  return rendered.ok() ? *rendered : "";
}

// A hand-built document: trailers left out, counts and references computed.
constexpr std::string_view kDocument = R"({"interchanges": [{
  "header": {"tag": "UNB", "elements": [["UNOC", "3"], ["S", "14"], ["R", "14"],
                                        ["240101", "1200"], "REF7"]},
  "messages": [{
    "header": {"tag": "UNH", "elements": ["M1", ["ORDERS", "D", "96A", "UN"]]},
    "segments": [
      {"tag": "BGM", "elements": ["220", "PO+1", "9"]},
      {"tag": "FTX", "elements": ["AAI", "", "", "it's 10:30? yes"]},
      {"group": "SG25", "segments": [
        {"tag": "LIN", "elements": [1, null, ["4000862141404", "EN"]]},
        {"tag": "QTY", "elements": [["21", 48]]}]}]
  }]}]})";

TEST(EdifactRenderTest, ComputesTrailersAndEscapesData) {
  EXPECT_EQ(RenderOk(Json(kDocument)),
            "UNB+UNOC:3+S:14+R:14+240101:1200+REF7'"
            "UNH+M1+ORDERS:D:96A:UN'"
            "BGM+220+PO?+1+9'"
            "FTX+AAI+++it?'s 10?:30?? yes'"
            "LIN+1++4000862141404:EN'"
            "QTY+21:48'"
            "UNT+6+M1'"
            "UNZ+1+REF7'");
}

TEST(EdifactRenderTest, GivenTrailersAreRecomputed) {
  Value document = Json(kDocument);
  auto parsed = Parse(RenderOk(document), ParseOptions{});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  Value wrong = Json(R"({"tag": "UNT", "elements": ["99", "X"]})");
  Value interchanges = parsed->Get("interchanges");
  Value interchange = interchanges[0];
  Value messages = interchange.Get("messages");
  Value message = messages[0];
  message.Set("trailer", wrong);
  messages.mutable_array()[0] = message;
  interchange.Set("messages", messages);
  interchange.Set("trailer", Json(R"({"tag": "UNZ", "elements": ["7", "Y"]})"));
  Value edited = Value::MakeObject();
  edited.Set("interchanges", Value::MakeArray({interchange}));
  std::string text = RenderOk(edited);
  EXPECT_NE(text.find("UNT+6+M1'"), std::string::npos) << text;
  EXPECT_NE(text.find("UNZ+1+REF7'"), std::string::npos) << text;
}

TEST(EdifactRenderTest, WritesUnaWithItsSeparatorsAndLineBreaks) {
  Value document = Json(R"({"interchanges": [{"una": "^*.? $",
    "header": {"tag": "UNB", "elements": [["UNOA", "1"], "S", "R", ["240101", "1200"], "9"]},
    "messages": [{"header": {"tag": "UNH", "elements": ["1", ["X", "1", "1", "UN"]]},
                  "segments": [{"tag": "FTX", "elements": ["a*b$c^d"]}]}]}]})");
  EXPECT_EQ(RenderOk(document, RenderOptions{}),
            "UNA^*.? $\nUNB*UNOA^1*S*R*240101^1200*9$\nUNH*1*X^1^1^UN$\nFTX*a?*b?$c?^d$\n"
            "UNT*3*1$\nUNZ*1*9$\n");
}

TEST(EdifactRenderTest, RepetitionsNeedARepetitionSeparator) {
  std::string four = R"({"interchanges": [{
    "header": {"tag": "UNB", "elements": [["UNOA", "4"], "S", "R", ["20240101", "1200"], "9"]},
    "messages": [{"header": {"tag": "UNH", "elements": ["1", ["X", "1", "1", "UN"]]},
                  "segments": [{"tag": "COM", "elements": [{"repeat": [["a", "TE"], "b*c"]}]}]
    }]}]})";
  EXPECT_NE(RenderOk(Json(four)).find("COM+a:TE*b?*c'"), std::string::npos);
  std::string three = four;
  three.replace(three.find("\"4\""), 3, "\"3\"");
  auto rendered = Render(Json(three), RenderOptions{});
  ASSERT_FALSE(rendered.ok());
  EXPECT_EQ(rendered.status().code(), StatusCode::kInvalidArgument);
}

TEST(EdifactRenderTest, GroupsRenderWithUneCounts) {
  Value document = Json(R"({"interchanges": [{
    "header": {"tag": "UNB", "elements": [["UNOA", "3"], "S", "R", ["240101", "1200"], "9"]},
    "groups": [{"header": {"tag": "UNG", "elements": ["X", "S", "R", ["240101", "1200"], "G7"]},
                "messages": [{"header": {"tag": "UNH", "elements": ["1", ["X", "1", "1", "UN"]]},
                              "segments": []},
                             {"header": {"tag": "UNH", "elements": ["2", ["X", "1", "1", "UN"]]},
                              "segments": []}]}]}]})");
  std::string text = RenderOk(document);
  EXPECT_NE(text.find("UNE+2+G7'UNZ+1+9'"), std::string::npos) << text;
  EXPECT_TRUE(Parse(text, ParseOptions{}).ok());
}

TEST(EdifactRenderTest, ReadingAndWritingKeepsTheBytes) {
  // Zero-padded counts are kept as spelled; the syntax version "04" still means 4.
  std::string text =
      "UNB+UNOA:04+S+R+20240101:1200+9'UNH+1+PAORES:93:1:IA'COM+a*b?*c'UNT+0003+1'UNZ+01+9'";
  auto parsed = Parse(text, ParseOptions{});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(RenderOk(*parsed), text);
}

TEST(EdifactRenderTest, RejectsDocumentsOfAnotherShape) {
  EXPECT_FALSE(Render(Json(R"({"rows": []})"), RenderOptions{}).ok());
  EXPECT_FALSE(Render(Json(R"({"interchanges": [{"header": {"tag": "UNH"}}]})"), {}).ok());
  EXPECT_FALSE(Render(Json(R"({"interchanges": [{"una": "xx",
      "header": {"tag": "UNB", "elements": []}}]})"),
                      {})
                   .ok());
  auto bad_value = Render(Json(R"({"interchanges": [{
      "header": {"tag": "UNB", "elements": [true]}}]})"),
                          {});
  ASSERT_FALSE(bad_value.ok());
  EXPECT_NE(bad_value.status().context().find("interchanges[0]"), std::string::npos);
}

}  // namespace
}  // namespace erphub::formats::edifact
