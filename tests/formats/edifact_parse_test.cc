#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "formats/edifact/edifact.h"

namespace erphub::formats::edifact {
namespace {

Value ParseOk(std::string_view bytes, bool lenient = false) {
  auto parsed = Parse(bytes, ParseOptions{.lenient = lenient});
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : Value();
}

const Value& FirstMessage(const Value& document) {
  return document.Get("interchanges")[0].Get("messages")[0];
}

std::string ElementJson(const Value& message, size_t segment, size_t element) {
  return ToJson(message.Get("segments")[segment].Get("elements")[element]);
}

constexpr std::string_view kMinimal =
    "UNB+UNOA:3+SENDER:14+RECEIVER:14+240101:1200+REF1'"
    "UNH+1+PAORES:93:1:IA'"
    "FTX+AAI+++free text'"
    "UNT+3+1'"
    "UNZ+1+REF1'";

TEST(EdifactParseTest, DefaultSeparatorsWithoutUna) {
  Value document = ParseOk(kMinimal);
  const Value& interchange = document.Get("interchanges")[0];
  EXPECT_TRUE(interchange.Get("una").is_undefined());
  EXPECT_EQ(ToJson(interchange.Get("header").Get("elements")[0]), R"(["UNOA","3"])");
  const Value& message = FirstMessage(document);
  EXPECT_EQ(message.Get("type").as_string(), "PAORES");
  EXPECT_EQ(ToJson(message.Get("segments")),
            R"([{"tag":"FTX","elements":["AAI","","","free text"]}])");
  EXPECT_EQ(ToJson(message.Get("trailer")), R"({"tag":"UNT","elements":["3","1"]})");
  EXPECT_EQ(ToJson(interchange.Get("trailer")), R"({"tag":"UNZ","elements":["1","REF1"]})");
}

TEST(EdifactParseTest, UnaChangesEverySeparator) {
  Value document = ParseOk(
      "UNA^*,! $UNB*UNOA^1*S*R*240101^1200*9$UNH*1*PAORES^93^1^IA$FTX*A!*B*C^D!$E$UNT*3*1$"
      "UNZ*1*9$");
  const Value& interchange = document.Get("interchanges")[0];
  EXPECT_EQ(interchange.Get("una").as_string(), "^*,! $");
  EXPECT_EQ(ElementJson(FirstMessage(document), 0, 0), R"("A*B")");
  EXPECT_EQ(ElementJson(FirstMessage(document), 0, 1), R"(["C","D$E"])");
}

TEST(EdifactParseTest, ReleaseCharacterEscapesSeparatorsAndItself) {
  Value document = ParseOk(
      "UNA:+.? 'UNB+UNOC:3+S+R+240101:1200+9'UNH+1+PAORES:93:1:IA'"
      "FTX+A?+B+C?:D+it?'s ?? done?''UNT+3+1'UNZ+1+9'");
  const Value& message = FirstMessage(document);
  EXPECT_EQ(ElementJson(message, 0, 0), R"("A+B")");
  EXPECT_EQ(ElementJson(message, 0, 1), R"("C:D")");
  EXPECT_EQ(ElementJson(message, 0, 2), R"("it's ? done'")");
}

TEST(EdifactParseTest, SyntaxFourRepeatsWithAsteriskByDefault) {
  Value document = ParseOk(
      "UNB+UNOA:4+S+R+20240101:1200+9'UNH+1+PAORES:93:1:IA'COM+a:TE*b:EM*c?*d:FX'UNT+3+1'"
      "UNZ+1+9'");
  EXPECT_EQ(ElementJson(FirstMessage(document), 0, 0),
            R"({"repeat":[["a","TE"],["b","EM"],["c*d","FX"]]})");
}

TEST(EdifactParseTest, AsteriskIsDataBeforeSyntaxFour) {
  Value document =
      ParseOk("UNB+UNOA:3+S+R+240101:1200+9'UNH+1+PAORES:93:1:IA'COM+a*b:TE'UNT+3+1'UNZ+1+9'");
  EXPECT_EQ(ElementJson(FirstMessage(document), 0, 0), R"(["a*b","TE"])");
}

TEST(EdifactParseTest, Latin1UnderUnocBecomesUtf8AndUtf8StaysAsItIs) {
  std::string latin1 =
      "UNB+UNOC:3+S+R+240101:1200+9'UNH+1+PAORES:93:1:IA'FTX+AAI+++Gr\xFC\xDF"
      "e'UNT+3+1'UNZ+1+9'";
  EXPECT_EQ(ElementJson(FirstMessage(ParseOk(latin1)), 0, 3),
            "\"Gr\xC3\xBC\xC3\x9F"
            "e\"");
  std::string utf8 =
      "UNB+UNOC:3+S+R+240101:1200+9'UNH+1+PAORES:93:1:IA'FTX+AAI+++Gr\xC3\xBC\xC3\x9F"
      "e'UNT+3+1'UNZ+1+9'";
  EXPECT_EQ(ElementJson(FirstMessage(ParseOk(utf8)), 0, 3),
            "\"Gr\xC3\xBC\xC3\x9F"
            "e\"");
}

TEST(EdifactParseTest, BomAndLineBreaksAreLayout) {
  std::string text =
      "\xEF\xBB\xBFUNB+UNOA:3+S+R+240101:1200+9'\r\nUNH+1+PAORES:93:1:IA'\r\n"
      "UNT+2+1'\r\nUNZ+1+9'\r\n";
  Value document = ParseOk(text);
  EXPECT_EQ(FirstMessage(document).Get("segments").size(), 0u);
}

TEST(EdifactParseTest, SecondUnaStartsAnInterchangeWithItsOwnSeparators) {
  Value document = ParseOk(
      "UNB+UNOA:3+S+R+240101:1200+1'UNH+1+PAORES:93:1:IA'UNT+2+1'UNZ+1+1'\n"
      "UNA:|.? 'UNB|UNOA:3|S|R|240101:1200|2'UNH|1|PAORES:93:1:IA'FTX|a+b'UNT|3|1'UNZ|1|2'\n"
      "UNB+UNOA:3+S+R+240101:1200+3'UNH+1+PAORES:93:1:IA'UNT+2+1'UNZ+1+3'");
  const Value& interchanges = document.Get("interchanges");
  ASSERT_EQ(interchanges.size(), 3u);
  EXPECT_TRUE(interchanges[0].Get("una").is_undefined());
  EXPECT_EQ(interchanges[1].Get("una").as_string(), ":|.? '");
  EXPECT_EQ(ToJson(interchanges[1].Get("messages")[0].Get("segments")[0].Get("elements")),
            R"(["a+b"])");
  // The third interchange has no UNA: back to the defaults.
  EXPECT_TRUE(interchanges[2].Get("una").is_undefined());
}

TEST(EdifactParseTest, GroupsKeepTheirOwnList) {
  Value document = ParseOk(
      "UNB+UNOA:3+S+R+240101:1200+9'UNG+INVOIC+S+R+240101:1200+G1+UN+D:96A'"
      "UNH+1+PAORES:93:1:IA'UNT+2+1'UNE+1+G1'UNZ+1+9'");
  const Value& interchange = document.Get("interchanges")[0];
  EXPECT_TRUE(interchange.Get("messages").is_undefined());
  ASSERT_EQ(interchange.Get("groups").size(), 1u);
  EXPECT_EQ(interchange.Get("groups")[0].Get("header").Get("tag").as_string(), "UNG");
  EXPECT_EQ(interchange.Get("groups")[0].Get("messages").size(), 1u);
}

struct StrictCase {
  std::string name;
  std::string text;
  std::string context;  // expected in the error's place
  std::string reason;   // expected in the error's message
};

class EdifactStrictTest : public ::testing::TestWithParam<StrictCase> {};

TEST_P(EdifactStrictTest, RejectsWithPlaceAndReason) {
  const StrictCase& c = GetParam();
  auto strict = Parse(c.text, ParseOptions{});
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().context().find(c.context), std::string::npos)
      << strict.status().ToString();
  EXPECT_NE(strict.status().message().find(c.reason), std::string::npos)
      << strict.status().ToString();
}

const std::string kHead = "UNB+UNOA:3+S+R+240101:1200+9'UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'";

INSTANTIATE_TEST_SUITE_P(
    EdifactFaults, EdifactStrictTest,
    ::testing::Values(
        StrictCase{"UntCount", kHead + "UNT+2+1'UNZ+1+9'", "segment 4 (UNT), element 1",
                   "UNT01 is '2' but the message has 3 segments"},
        StrictCase{"UntReference", kHead + "UNT+3+2'UNZ+1+9'", "segment 4 (UNT), element 2",
                   "differs from UNH reference"},
        StrictCase{"UnzCount", kHead + "UNT+3+1'UNZ+2+9'", "segment 5 (UNZ), element 1",
                   "UNZ01 is '2'"},
        StrictCase{"UnzReference", kHead + "UNT+3+1'UNZ+1+8'", "(UNZ), element 2",
                   "differs from UNB reference"},
        StrictCase{"MissingUnz", kHead + "UNT+3+1'", "segment 5, at byte 71", "UNZ missing"},
        StrictCase{"MissingUnt", kHead + "UNZ+1+9'", "segment 4 (UNZ)", "UNT missing"},
        StrictCase{"MissingFinalTerminator", kHead + "UNT+3+1'UNZ+1+9", "segment 5 (UNZ)",
                   "no terminator"},
        StrictCase{"StrayTextAfterUnz", kHead + "UNT+3+1'UNZ+1+9'xyz", "segment 6 (xyz)",
                   "stray text after UNZ"},
        StrictCase{"BrokenHeaderTag", "UNX+UNOA:3+S+R+240101:1200+9'", "segment 1 (UNX)",
                   "expected UNB"},
        StrictCase{"SyntaxVersion", "UNB+UNOA:7+S+R+240101:1200+9'UNZ+0+9'", "segment 1 (UNB)",
                   "syntax version '7'"},
        StrictCase{"NotNumeric", kHead + "QTY+21:4X8'UNT+4+1'UNZ+1+9'",
                   "segment 4 (QTY), element 1, component 2", "'4X8' is not numeric"},
        StrictCase{"OutOfPlace", kHead + "UNS+S'BGM+220+2+9'UNT+5+1'UNZ+1+9'", "segment 5 (BGM)",
                   "not expected"},
        StrictCase{"EmptyInput", "", "segment 1", "UNB missing"},
        StrictCase{"CompositeTag", kHead + "DTM:2+137:20240101:102'UNT+4+1'UNZ+1+9'",
                   "segment 4 (DTM)", "has components"},
        StrictCase{"UnaClash", "UNA::.? 'UNB:UNOA:3'", "(UNA)", "for two service characters"},
        StrictCase{"DuplicateReference",
                   kHead + "UNT+3+1'UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'UNT+3+1'UNZ+2+9'",
                   "segment 5 (UNH), element 1", "used twice"},
        StrictCase{"TooManyComponents", kHead + "DTM+137:20240101:102:X'UNT+4+1'UNZ+1+9'",
                   "segment 4 (DTM), element 1, component 4", "at most 3"},
        StrictCase{"UneCount",
                   "UNB+UNOA:3+S+R+240101:1200+9'UNG+X+S+R+240101:1200+G1'UNH+1+X:1:1:UN'"
                   "UNT+2+1'UNE+2+G1'UNZ+1+9'",
                   "(UNE), element 1", "UNE01 is '2'"}),
    [](const ::testing::TestParamInfo<StrictCase>& info) { return info.param.name; });

TEST(EdifactParseTest, LenientListsEachToleratedFault) {
  std::string text = kHead + "LIN+1++A:EN'QTY+21:4X8'UNT+4+7'UNZ+5+8'1r";
  Value document = ParseOk(text, /*lenient=*/true);
  const Value& warnings = document.Get("warnings");
  ASSERT_EQ(warnings.size(), 6u) << ToJson(warnings);
  EXPECT_EQ(ToJson(warnings[0]),
            R"({"code":37,"reason":"'4X8' is not numeric","segment":5,"tag":"QTY","offset":75,)"
            R"("interchange":1,"message":1,"position_in_message":4,"element":1,"component":2})");
  EXPECT_EQ(warnings[1].Get("code").as_number().ToDouble(), 29);
  EXPECT_EQ(warnings[2].Get("code").as_number().ToDouble(), 28);
  EXPECT_EQ(warnings[3].Get("tag").as_string(), "UNZ");
  EXPECT_EQ(warnings[4].Get("tag").as_string(), "UNZ");
  EXPECT_EQ(warnings[5].Get("tag").as_string(), "1r");
  // The message is kept as read.
  EXPECT_EQ(ToJson(FirstMessage(document).Get("segments")[1].Get("segments")[1]),
            R"({"tag":"QTY","elements":[["21","4X8"]]})");
}

TEST(EdifactParseTest, LenientStillRejectsWhatCannotBeRead) {
  EXPECT_FALSE(Parse("BGM+220+1+9'UNH+1+ORDERS:D:96A:UN'UNT+2+1'", {.lenient = true}).ok());
  EXPECT_FALSE(
      Parse("UNB+UNOA:1+S+R+240101:1200+9\nUNH+1+X:1:1:UN\nUNT+2+1\nUNZ+1+9\n", {.lenient = true})
          .ok());
}

TEST(EdifactParseTest, OrdersSegmentsAreGroupedFromTheDefinition) {
  Value document = ParseOk(kHead +
                           "NAD+BY+123::9'CTA+PD+:Jo'COM+1:TE'LIN+1++A:EN'QTY+21:2'PRI+AAA:1.5'"
                           "LIN+2++B:EN'QTY+21:3'UNS+S'CNT+2:2'UNT+13+1'UNZ+1+9'");
  const Value& segments = FirstMessage(document).Get("segments");
  ASSERT_EQ(segments.size(), 6u) << ToJson(segments);
  EXPECT_EQ(segments[1].Get("group").as_string(), "SG2");
  EXPECT_EQ(segments[1].Get("segments")[1].Get("group").as_string(), "SG5");
  EXPECT_EQ(segments[2].Get("group").as_string(), "SG25");
  EXPECT_EQ(segments[2].Get("segments")[2].Get("group").as_string(), "SG27");
  EXPECT_EQ(segments[3].Get("group").as_string(), "SG25");
  EXPECT_EQ(segments[4].Get("tag").as_string(), "UNS");
  EXPECT_EQ(segments[5].Get("tag").as_string(), "CNT");
}

TEST(EdifactParseTest, TooManyRepeatsAreFound) {
  std::string text = kHead;
  for (int i = 0; i < 36; ++i) {
    text += "DTM+137:20240101:102'";
  }
  text += "UNT+39+1'UNZ+1+9'";
  auto strict = Parse(text, {});
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().context().find("segment 39 (DTM)"), std::string::npos)
      << strict.status().ToString();
  Value lenient = ParseOk(text, true);
  EXPECT_EQ(lenient.Get("warnings")[0].Get("code").as_number().ToDouble(), 35);
}

}  // namespace
}  // namespace erphub::formats::edifact
