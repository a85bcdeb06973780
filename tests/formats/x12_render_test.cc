// The X12 writer: control numbers, counts, delimiters, refusal of data holding a delimiter.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "formats/codec.h"
#include "formats/x12/x12.h"
#include "formats/x12_test_util.h"

namespace erphub::formats::x12 {
namespace {

// A document as a mapping would produce it: no trailers, control numbers left to the writer.
const char kDocument[] = R"({"interchanges": [{
  "delimiters": {"element": "*", "component": ">", "segment": "~"},
  "ISA": ["ISA", "00", "", "00", "", "ZZ", "SENDER", "ZZ", "RECEIVER", "240101", "1200", "U",
          "00401", "auto", "0", "P", ">"],
  "groups": [{
    "GS": ["GS", "PO", "SENDER", "RECEIVER", "20240101", "1200", "auto", "X", "004010"],
    "transactions": [
      {"ST": ["ST", "850"], "segments": [["BEG", "00", "SA", "PO-1", "", "20240101"],
        {"loop": "PO1", "segments": [["PO1", "1", 2, "EA", 9.5, "", "VP", ["A", "B"]]]},
        ["CTT", "1"]]},
      {"ST": ["ST", "850", "auto"], "segments": [["BEG", "00", "SA", "PO-2", "", "20240101"],
        {"loop": "PO1", "segments": [["PO1", "1", 1, "EA", 2]]}]}
    ]}]}]})";

Value Document() {
  auto doc = ParseJson(kDocument);
  EXPECT_TRUE(doc.ok());
  return *doc;
}

TEST(X12RenderTest, AssignsControlNumbersAndCounts) {
  RenderOptions options;
  options.next = ControlNumbers{41, 7, 12};
  auto rendered = RenderWithControlNumbers(Document(), options);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_EQ(rendered->bytes,
            "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*"
            "00401*000000041*0*P*>~\n"
            "GS*PO*SENDER*RECEIVER*20240101*1200*7*X*004010~\n"
            "ST*850*0012~\nBEG*00*SA*PO-1**20240101~\nPO1*1*2*EA*9.5**VP*A>B~\nCTT*1~\n"
            "SE*5*0012~\n"
            "ST*850*0013~\nBEG*00*SA*PO-2**20240101~\nPO1*1*1*EA*2~\nSE*4*0013~\n"
            "GE*2*7~\nIEA*1*000000041~\n");
  EXPECT_EQ(rendered->next.interchange, 42);
  EXPECT_EQ(rendered->next.group, 8);
  EXPECT_EQ(rendered->next.transaction, 14);
  // What it writes is a valid interchange.
  EXPECT_TRUE(Parse(rendered->bytes, ParseOptions{}).ok());
}

TEST(X12RenderTest, GivenDelimitersReplaceTheDocumentsOwn) {
  RenderOptions options;
  options.delimiters = Delimiters{'|', '^', '!', "\n"};
  auto rendered = Render(Document(), options);
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_NE(rendered->find("|!|00401|000000001|0|P|^\n"), std::string::npos) << *rendered;
  EXPECT_NE(rendered->find("PO1|1|2|EA|9.5||VP|A^B\n"), std::string::npos) << *rendered;
  auto parsed = Parse(*rendered, ParseOptions{});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Get("interchanges")[0].Get("delimiters").Get("repetition").as_string(), "!");
}

TEST(X12RenderTest, RepeatsUseTheRepetitionSeparator) {
  auto doc = ParseJson(R"({"interchanges": [{
    "delimiters": {"element": "*", "component": ":", "repetition": "^", "segment": "~"},
    "ISA": ["ISA", "00", "", "00", "", "ZZ", "A", "ZZ", "B", "240101", "1200", "^", "00501",
            "1", "0", "P", ":"],
    "groups": [{"GS": ["GS", "PO", "A", "B", "20240101", "1200", "1", "X", "005010"],
      "transactions": [{"ST": ["ST", "875", "0001"],
        "segments": [["REF", "ZZ", {"repeats": ["X", ["Y", "Z"]]}]]}]}]}]})");
  ASSERT_TRUE(doc.ok());
  auto rendered = Render(*doc, RenderOptions{});
  ASSERT_TRUE(rendered.ok()) << rendered.status().ToString();
  EXPECT_NE(rendered->find("REF*ZZ*X^Y:Z~"), std::string::npos) << *rendered;
  auto parsed = Parse(*rendered, ParseOptions{});
  ASSERT_TRUE(parsed.ok());
  const Value& set = parsed->Get("interchanges")[0].Get("groups")[0].Get("transactions")[0];
  EXPECT_EQ(ToJson(set.Get("segments")[0]), R"(["REF","ZZ",{"repeats":["X",["Y","Z"]]}])");
}

TEST(X12RenderTest, DataWithADelimiterIsRefused) {
  Value doc = Document();
  std::string json = ToJson(doc);
  json.replace(json.find("PO-1"), 4, "PO*1");
  auto bad = ParseJson(json);
  ASSERT_TRUE(bad.ok());
  auto rendered = Render(*bad, RenderOptions{});
  ASSERT_FALSE(rendered.ok());
  EXPECT_NE(rendered.status().ToString().find("data contains a delimiter ('*')"),
            std::string::npos);
  EXPECT_NE(rendered.status().ToString().find("transactions[0].segments[0][3]"), std::string::npos)
      << rendered.status().ToString();
}

TEST(X12RenderTest, MalformedDocumentsAreErrors) {
  EXPECT_FALSE(Render(Value::MakeObject(), RenderOptions{}).ok());
  auto doc = ParseJson(R"({"interchanges": [{"delimiters": {"element": "*", "segment": "*"},
    "ISA": [], "groups": []}]})");
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(Render(*doc, RenderOptions{}).ok());
}

}  // namespace
}  // namespace erphub::formats::x12

namespace erphub::formats {
namespace {

TEST(X12CodecTest, DispatchesAndReportsLenientFaults) {
  std::string bytes =
      x12::testing::ReadFile(x12::testing::RepoCopies() / "850_derived_bad-counts.edi");
  EXPECT_FALSE(ParseDocument(Format::kX12, bytes, CodecOptions{}).ok());
  CodecOptions options;
  options.lenient = true;
  std::vector<std::string> reported;
  options.report = [&reported](const Status& fault) { reported.push_back(fault.ToString()); };
  auto document = ParseDocument(Format::kX12, bytes, options);
  ASSERT_TRUE(document.ok()) << document.status().ToString();
  ASSERT_EQ(reported.size(), 2u);
  EXPECT_EQ(reported[0].rfind("segment 36 (GE) at byte ", 0), 0u) << reported[0];
  auto rendered = RenderDocument(Format::kX12, *document, CodecOptions{});
  ASSERT_TRUE(rendered.ok());
  // The writer recomputes the counts: the interchange is valid now.
  EXPECT_TRUE(ParseDocument(Format::kX12, *rendered, CodecOptions{}).ok());
}

}  // namespace
}  // namespace erphub::formats
