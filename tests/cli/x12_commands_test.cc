// `erphub parse --format x12` and `erphub render --format x12` on the real binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/command_test.h"

namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(ERPHUB_SOURCE_DIR) / "tests" / "data" / "formats" / "x12";

using X12CommandsTest = erphub::cli::testing::CommandTest;

TEST_F(X12CommandsTest, ParseThenRenderThenParseGivesTheSameJson) {
  std::string file = (kCorpus / "856_nodex12.edi").string();
  ASSERT_EQ(Run("parse --format x12 '" + file + "'", "first.json"), 0) << err_;
  std::string first = out_;
  EXPECT_NE(first.find("\"loop\":\"HL\""), std::string::npos);
  ASSERT_EQ(Run("render --format x12 first.json", "again.edi"), 0) << err_;
  ASSERT_EQ(Run("parse --format x12 again.edi", "second.json"), 0) << err_;
  EXPECT_EQ(out_, first);
}

TEST_F(X12CommandsTest, MalformedExitsOneNamingTheSegment) {
  std::string file = (kCorpus / "850_derived_bad-iea-control.edi").string();
  EXPECT_EQ(Run("parse --format x12 '" + file + "'"), 1);
  EXPECT_NE(err_.find("segment 37 (IEA) at byte "), std::string::npos) << err_;
  EXPECT_NE(err_.find("IEA02 000003439 does not match ISA13 000003438"), std::string::npos);
  EXPECT_EQ(out_, "");
}

TEST_F(X12CommandsTest, LenientListsTheFault) {
  std::string file = (kCorpus / "850_derived_bad-iea-control.edi").string();
  ASSERT_EQ(Run("parse --format x12 --lenient '" + file + "'"), 0) << err_;
  EXPECT_NE(out_.find("\"warnings\":[{\"code\":\"iea_control_mismatch\""), std::string::npos);
  EXPECT_NE(err_.find("accepted: segment 37 (IEA) at byte "), std::string::npos) << err_;
}

}  // namespace
