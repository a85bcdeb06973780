#include "cli/command_test.h"
#include "store/open_store.h"

namespace erphub::cli::testing {
namespace {

class CdcCommandTest : public CommandTest {
 protected:
  std::unique_ptr<store::Store> Open() {
    auto opened = store::OpenStore("sqlite:" + (dir_ / "hub.db").string());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(*opened) : nullptr;
  }
};

TEST_F(CdcCommandTest, ResnapshotClearsTheFlowsPositionAndOnlyIt) {
  Write("erphub.yaml", "store:\n  url: sqlite:./hub.db\nflows: {}\n");
  {
    auto hub = Open();
    ASSERT_NE(hub, nullptr);
    // Snapshot chunks 1 and 2 of items are staged and not yet messages.
    store::StateWrite writes[] = {
        store::StateWrite::Set("postgres-cdc:items",
                               R"({"slot":"erp_items","start_lsn":"0/100","snapshot_done":true,)"
                               R"("tables":[],"staged":3,"expanded":1,"expanded_rows":7,)"
                               R"("lsn":"0/2A0"})"),
        store::StateWrite::Set("postgres-cdc:items:snapshot:00000001", "{}\n1\n"),
        store::StateWrite::Set("postgres-cdc:items:snapshot:00000002", "{}\n2\n"),
        store::StateWrite::Set("postgres-cdc:other", R"({"slot":"other"})"),
        store::StateWrite::Set("postgres-cdc:other:snapshot:00000001", "{}\n1\n")};
    ASSERT_TRUE(hub->PutState(writes).ok());
  }
  ASSERT_EQ(Run("cdc resnapshot erphub.yaml --flow items"), 0) << err_;
  EXPECT_NE(out_.find("slot erp_items"), std::string::npos) << out_;
  EXPECT_NE(out_.find("0/2A0"), std::string::npos) << out_;
  {
    auto hub = Open();
    ASSERT_NE(hub, nullptr);
    EXPECT_EQ(hub->GetState("postgres-cdc:items")->value_or(""), R"({"resnapshot":true})");
    EXPECT_EQ(hub->GetState("postgres-cdc:other")->value_or(""), R"({"slot":"other"})");
    EXPECT_FALSE(hub->GetState("postgres-cdc:items:snapshot:00000001")->has_value());
    EXPECT_FALSE(hub->GetState("postgres-cdc:items:snapshot:00000002")->has_value());
    EXPECT_TRUE(hub->GetState("postgres-cdc:other:snapshot:00000001")->has_value());
  }
  // Twice is fine; a flow without a position is an error; --flow is required.
  EXPECT_EQ(Run("cdc resnapshot erphub.yaml --flow items"), 0) << err_;
  EXPECT_EQ(Run("cdc resnapshot erphub.yaml --flow nope"), 1);
  EXPECT_NE(err_.find("no postgres_cdc position"), std::string::npos) << err_;
  EXPECT_EQ(Run("cdc resnapshot erphub.yaml"), 2);
}

}  // namespace
}  // namespace erphub::cli::testing
