#include "store_test_util.h"

namespace erphub::store {
namespace {

std::vector<std::string> Names(const std::vector<NodeSeen>& nodes) {
  std::vector<std::string> names;
  for (const NodeSeen& node : nodes) {
    names.push_back(node.name);
  }
  return names;
}

TEST_P(StoreTest, NodesAreListedMostRecentlySeenFirst) {
  const Timestamp started = clock_.Now();
  ASSERT_TRUE(store_->RecordNode("node-a", started).ok());
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(store_->RecordNode("node-b", clock_.Now()).ok());
  auto nodes = store_->Nodes();
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  EXPECT_EQ(Names(*nodes), (std::vector<std::string>{"node-b", "node-a"}));
  EXPECT_EQ((*nodes)[1].started_at, started);
  EXPECT_EQ((*nodes)[1].last_seen, started);

  // node-a beats again: it moves up, keeping its start; the list survives a restart.
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(store_->RecordNode("node-a", started).ok());
  Open();
  nodes = store_->Nodes();
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(Names(*nodes), (std::vector<std::string>{"node-a", "node-b"}));
  EXPECT_EQ((*nodes)[0].last_seen, clock_.Now());
  EXPECT_EQ((*nodes)[0].started_at, started);
}

TEST_P(StoreTest, NodesNotSeenForADayAreForgotten) {
  ASSERT_TRUE(store_->RecordNode("old", clock_.Now()).ok());
  clock_.Advance(std::chrono::hours(25));
  EXPECT_TRUE(store_->Nodes()->empty());
  ASSERT_TRUE(store_->RecordNode("new", clock_.Now()).ok());
  EXPECT_EQ(Names(*store_->Nodes()), std::vector<std::string>{"new"});
  EXPECT_EQ(store_->RecordNode("", clock_.Now()).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace erphub::store
