#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "edifact_test_support.h"
#include "formats/edifact/edifact.h"

namespace erphub::formats::edifact {
namespace {

using testing::ReadBytes;
using testing::RepoCorpusDir;

// 2024-03-15 10:35 UTC, the time the corpus acknowledgments carry.
FakeClock CorpusClock() {
  using namespace std::chrono;
  return FakeClock(sys_days(year{2024} / 3 / 15) + hours(10) + minutes(35));
}

struct Pair {
  std::string document;
  std::string acknowledgment;
  std::string reference;
  bool receipt_only = false;
};

class EdifactCorpusAckTest : public ::testing::TestWithParam<Pair> {};

// The erphub samples come with the CONTRL a conforming receiver sends; with the corpus's date and
// reference ours is the same, byte for byte.
TEST_P(EdifactCorpusAckTest, MatchesTheCorpusAcknowledgment) {
  const Pair& pair = GetParam();
  FakeClock clock = CorpusClock();
  AcknowledgeOptions options{
      .receipt_only = pair.receipt_only, .control_reference = pair.reference, .clock = &clock};
  auto contrl = Acknowledge(ReadBytes(RepoCorpusDir() / pair.document), options);
  ASSERT_TRUE(contrl.ok()) << contrl.status().ToString();
  EXPECT_EQ(*contrl, ReadBytes(RepoCorpusDir() / pair.acknowledgment));
  // And it is a valid CONTRL interchange itself.
  EXPECT_TRUE(Parse(*contrl, ParseOptions{}).ok());
}

INSTANTIATE_TEST_SUITE_P(
    EdifactPairs, EdifactCorpusAckTest,
    ::testing::Values(Pair{"ORDERS_erphub_d96a.edi", "CONTRL_erphub_accept.edi", "ACK000123"},
                      Pair{"ORDERS_erphub_malformed-unt-count.edi",
                           "CONTRL_erphub_reject-message.edi", "ACK000124"},
                      Pair{"ORDERS_erphub_malformed-qty.edi",
                           "CONTRL_erphub_reject-segment-detail.edi", "ACK000126"},
                      Pair{"ORDERS_erphub_d96a.edi", "CONTRL_erphub_receipt-only.edi", "ACK000127",
                           true}));

std::string AckOf(std::string_view bytes) {
  FakeClock clock = CorpusClock();
  AcknowledgeOptions options;
  options.clock = &clock;
  auto contrl = Acknowledge(bytes, options);
  EXPECT_TRUE(contrl.ok()) << contrl.status().ToString();
  return contrl.ok() ? *contrl : "";
}

TEST(EdifactAcknowledgeTest, InterchangeFaultsRejectAtUci) {
  std::string contrl = AckOf("UNB+UNOA:3+S:1+R:1+240101:1200+9'UNH+1+X:1:1:UN'UNT+2+1'UNZ+3+9'");
  EXPECT_EQ(contrl,
            "UNB+UNOA:3+R:1+S:1+240315:1035+9'\nUNH+1+CONTRL:D:3:UN'\n"
            "UCI+9+S:1+R:1+4+29+UNZ+1'\nUCM+1+X:1:1:UN+7'\nUNT+4+1'\nUNZ+1+9'\n");
}

TEST(EdifactAcknowledgeTest, GroupsAreAnsweredWithUcf) {
  std::string contrl = AckOf(
      "UNB+UNOA:4+S+R+20240101:1200+9'UNG+X+GS+GR+20240101:1200+G1'UNH+1+X:1:1:UN'UNT+2+1'"
      "UNE+2+G1'UNZ+1+9'");
  EXPECT_NE(contrl.find("UNB+UNOA:4+R+S+20240315:1035+9'"), std::string::npos) << contrl;
  EXPECT_NE(contrl.find("UNH+1+CONTRL:4:1:UN'"), std::string::npos) << contrl;
  EXPECT_NE(contrl.find("UCI+9+S+R+7'\nUCF+G1+GS+GR+4+29+UNE+1'\nUCM+1+X:1:1:UN+7'"),
            std::string::npos)
      << contrl;
}

TEST(EdifactAcknowledgeTest, TooManyRepeatsNameTheSegment) {
  std::string text = "UNB+UNOA:3+S+R+240101:1200+9'UNH+1+ORDERS:D:96A:UN'BGM+220+1+9'";
  for (int i = 0; i < 36; ++i) {
    text += "DTM+137:20240101:102'";
  }
  text += "UNT+39+1'UNZ+1+9'";
  EXPECT_NE(AckOf(text).find("UCM+1+ORDERS:D:96A:UN+4'\nUCS+38+35'"), std::string::npos);
}

TEST(EdifactAcknowledgeTest, ControlMessagesAreNeverAcknowledged) {
  auto contrl = Acknowledge(ReadBytes(RepoCorpusDir() / "CONTRL_erphub_accept.edi"));
  ASSERT_TRUE(contrl.ok());
  EXPECT_EQ(*contrl, "");
}

TEST(EdifactAcknowledgeTest, NothingToAnswerWithoutUnb) {
  auto contrl = Acknowledge(ReadBytes(RepoCorpusDir() / "ORDERS_edifactrs_malformed-no-unb.edi"));
  ASSERT_FALSE(contrl.ok());
  EXPECT_NE(contrl.status().context().find("(BGM)"), std::string::npos);
}

TEST(EdifactAcknowledgeTest, EveryRepositorySampleWithAnEnvelopeIsAnswered) {
  for (const auto& path : testing::EdiFiles(RepoCorpusDir())) {
    std::string bytes = ReadBytes(path);
    auto contrl = Acknowledge(bytes);
    std::string name = path.filename().string();
    bool has_unb =
        bytes.find("UNB") != std::string::npos && name.find("newlines") == std::string::npos;
    EXPECT_EQ(contrl.ok(), has_unb) << name << ": " << contrl.status().ToString();
    if (contrl.ok() && !contrl->empty()) {
      auto parsed = Parse(*contrl, ParseOptions{});
      EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.status().ToString();
    }
  }
}

}  // namespace
}  // namespace erphub::formats::edifact
