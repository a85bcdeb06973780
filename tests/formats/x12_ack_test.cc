// 997 and TA1 generation, compared with the acknowledgment pairs of the corpus (SOURCES.md:
// 997_erphub_* and TA1_erphub_* answer the 850 files named in their notes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "formats/x12/x12.h"
#include "formats/x12_test_util.h"

namespace erphub::formats::x12 {
namespace {

using testing::ReadFile;
using testing::RepoCopies;

// The acknowledgment's segments without the envelope that carries it (ISA/GS/ST/SE/GE/IEA hold
// dates and control numbers of the sending side), one "TAG*..." string each.
std::vector<std::string> AckSegments(const std::string& x12) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start < x12.size()) {
    size_t end = x12.find('~', start);
    if (end == std::string::npos) end = x12.size();
    std::string segment = x12.substr(start, end - start);
    while (!segment.empty() && (segment[0] == '\n' || segment[0] == '\r')) segment.erase(0, 1);
    std::string tag = segment.substr(0, segment.find('*'));
    if (!segment.empty() && tag != "ISA" && tag != "GS" && tag != "ST" && tag != "SE" &&
        tag != "GE" && tag != "IEA") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  return segments;
}

std::string Ack(const std::string& file) {
  auto ack = Acknowledge(ReadFile(RepoCopies() / file));
  EXPECT_TRUE(ack.ok()) << ack.status().ToString();
  return ack.ok() ? *ack : "";
}

TEST(X12AckTest, AcceptedOrderMatchesTheCorpusPair) {
  EXPECT_EQ(AckSegments(Ack("850_nodex12_vics.edi")),
            AckSegments(ReadFile(RepoCopies() / "997_erphub_accept-850.edi")));
}

TEST(X12AckTest, GroupControlMismatchIsAk905Code4) {
  EXPECT_EQ(AckSegments(Ack("850_derived_bad-ge-control.edi")),
            AckSegments(ReadFile(RepoCopies() / "997_erphub_reject-group-control.edi")));
}

TEST(X12AckTest, GroupCountMismatchIsAk905Code5) {
  std::vector<std::string> ours = AckSegments(Ack("850_derived_bad-counts.edi"));
  std::vector<std::string> expected =
      AckSegments(ReadFile(RepoCopies() / "997_erphub_reject-group-count.edi"));
  // IEA01 is wrong too: a TA1 accepting the interchange with note 021 comes first.
  ASSERT_FALSE(ours.empty());
  EXPECT_EQ(ours[0], "TA1*000003438*101127*1719*E*021");
  ours.erase(ours.begin());
  EXPECT_EQ(ours, expected);
}

TEST(X12AckTest, InterchangeControlMismatchIsTa1Note001) {
  EXPECT_EQ(AckSegments(Ack("850_derived_bad-iea-control.edi")),
            AckSegments(ReadFile(RepoCopies() / "TA1_erphub_reject-iea-control.edi")));
}

TEST(X12AckTest, AckEnvelopeSwapsSenderAndReceiver) {
  std::string ack = Ack("850_nodex12_vics.edi");
  EXPECT_EQ(ack.rfind("ISA*00*          *00*          *01*999999999      *12*4405197800     *", 0),
            0u)
      << ack;
  EXPECT_NE(ack.find("GS*FA*999999999*4405197800*"), std::string::npos);
  // The acknowledgment is itself a valid interchange.
  EXPECT_TRUE(Parse(ack, ParseOptions{}).ok());
}

TEST(X12AckTest, UnknownSegmentIsAk3Code1) {
  std::vector<std::string> ours = AckSegments(Ack("810_edifabric_malformed-segment.edi"));
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK3*FTE*3**1"), ours.end());
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK5*R*5"), ours.end());
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK9*R*1*1*0"), ours.end());
}

TEST(X12AckTest, MissingGroupTrailerIsAk905Code3) {
  std::vector<std::string> ours = AckSegments(Ack("810_edifabric_malformed-missing-ge.edi"));
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK9*R*1*1*1*3"), ours.end());
}

const char kOrder[] =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*"
    "000000007*0*P*>~GS*PO*SENDER*RECEIVER*20240101*1200*7*X*004010~ST*850*0001~"
    "BEG*00*SA*PO1**20240101~PO1*1*1X*EA*9.5~CTT*1~SE*5*0001~GE*1*7~IEA*1*000000007~";

TEST(X12AckTest, BadElementIsAk4WithTheValue) {
  auto ack = Acknowledge(kOrder);
  ASSERT_TRUE(ack.ok());
  std::vector<std::string> ours = AckSegments(*ack);
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK3*PO1*3*PO1*8"), ours.end()) << *ack;
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK4*2**6*1X"), ours.end()) << *ack;
}

TEST(X12AckTest, MissingMandatorySegmentIsAk3Code3) {
  // Found missing when their loop closes, here at SE: no BEG (position 4), no PO1 loop (4).
  const std::string envelope =
      "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*"
      "000000007*0*P*>~GS*PO*SENDER*RECEIVER*20240101*1200*7*X*004010~ST*850*0001~";
  const std::string trailer = "GE*1*7~IEA*1*000000007~";
  auto ack = Acknowledge(envelope + "PO1*1*1*EA*9.5~CTT*1~SE*4*0001~" + trailer);
  ASSERT_TRUE(ack.ok());
  std::vector<std::string> ours = AckSegments(*ack);
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK3*BEG*4**3"), ours.end()) << *ack;
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK5*R*5"), ours.end()) << *ack;

  std::string no_lines = envelope + "BEG*00*SA*PO-1**20240101~CTT*1~SE*4*0001~" + trailer;
  ack = Acknowledge(no_lines);
  ASSERT_TRUE(ack.ok());
  ours = AckSegments(*ack);
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK3*PO1*4**3"), ours.end()) << *ack;
  // Strict parsing refuses the set and names what is missing.
  auto parsed = Parse(no_lines, ParseOptions{});
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().ToString().find("mandatory loop PO1 is missing"), std::string::npos)
      << parsed.status().ToString();
}

TEST(X12AckTest, SetCountAndControlMismatchesAreAk5Codes) {
  std::string order = kOrder;
  order.replace(order.find("PO1*1*1X"), 8, "PO1*1*10");
  order.replace(order.find("SE*5*0001"), 9, "SE*9*0002");
  auto ack = Acknowledge(order);
  ASSERT_TRUE(ack.ok());
  std::vector<std::string> ours = AckSegments(*ack);
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK5*R*4*3"), ours.end()) << *ack;
  EXPECT_NE(std::find(ours.begin(), ours.end(), "AK9*R*1*1*0"), ours.end()) << *ack;
}

TEST(X12AckTest, MissingInterchangeTrailerIsTa1Note023) {
  std::string order = kOrder;
  order.erase(order.find("IEA*"));
  auto ack = Acknowledge(order);
  ASSERT_TRUE(ack.ok());
  EXPECT_NE(ack->find("TA1*000000007*240101*1200*R*023"), std::string::npos) << *ack;
}

TEST(X12AckTest, AcknowledgmentsAreNotAcknowledged) {
  auto ack = Acknowledge(ReadFile(RepoCopies() / "997_erphub_accept-850.edi"));
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(*ack, "");
}

TEST(X12AckTest, OptionsSetDateTimeAndControlNumbers) {
  AckOptions options;
  options.date = "240102";
  options.time = "0930";
  options.control_numbers.interchange = 42;
  options.control_numbers.group = 9;
  auto ack = Acknowledge(kOrder, options);
  ASSERT_TRUE(ack.ok());
  EXPECT_NE(ack->find("*240102*0930*U*00401*000000042*"), std::string::npos) << *ack;
  EXPECT_NE(ack->find("GS*FA*RECEIVER*SENDER*20240102*0930*9*X*004010~"), std::string::npos)
      << *ack;
}

TEST(X12AckTest, NoInterchangeIsAnError) { EXPECT_FALSE(Acknowledge("hello").ok()); }

}  // namespace
}  // namespace erphub::formats::x12
