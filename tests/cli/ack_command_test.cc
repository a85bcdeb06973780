#include <gtest/gtest.h>

#include <string>

#include "cli/command_test.h"

namespace {

const std::string kData = std::string(ERPHUB_SOURCE_DIR) + "/tests/data/formats";

using AckCommandTest = erphub::cli::testing::CommandTest;

// The CONTRL for an order with a non-numeric quantity rejects the message and points at the
// segment and the element; the command still exits 0.
TEST_F(AckCommandTest, EdifactRejectionNamesTheFault) {
  ASSERT_EQ(Run("ack '" + kData + "/edifact/ORDERS_erphub_malformed-qty.edi'"), 0) << err_;
  EXPECT_NE(out_.find("UNH+1+CONTRL:D:3:UN'"), std::string::npos) << out_;
  EXPECT_NE(out_.find("UCM+1+ORDERS:D:96A:UN:EAN008+4'"), std::string::npos) << out_;
  EXPECT_NE(out_.find("UCS+13'"), std::string::npos) << out_;
  EXPECT_NE(out_.find("UCD+37+1:2'"), std::string::npos) << out_;
}

TEST_F(AckCommandTest, X12RejectionNamesTheFault) {
  // The group's trailer names another control number than its header: the group is rejected
  // (AK9 code 4: group control number mismatch).
  ASSERT_EQ(Run("ack '" + kData + "/x12/850_derived_bad-ge-control.edi'"), 0) << err_;
  EXPECT_NE(out_.find("ST*997*0001~"), std::string::npos) << out_;
  EXPECT_NE(out_.find("AK1*PO*1421~"), std::string::npos) << out_;
  EXPECT_NE(out_.find("AK9*R*1*1*0*4~"), std::string::npos) << out_;
}

TEST_F(AckCommandTest, AFileThatIsNotEdiIsRefused) {
  Write("orders.csv", "id,qty\n1,2\n");
  EXPECT_EQ(Run("ack orders.csv"), 1);
  EXPECT_NE(err_.find("not an EDI interchange"), std::string::npos) << err_;
}

}  // namespace
