#include "store_test_util.h"

namespace erphub::store {
namespace {

TEST_P(StoreTest, QuarantineKeepsTheRawBytesAndTheReason) {
  QuarantineEntry entry;
  entry.flow = "shop-orders";
  entry.source = "webhook POST /webhooks/shop/orders from 10.0.0.7";
  entry.reason = "line 1, column 12: expected ',' or '}'";
  entry.raw = std::string("{\"id\": 1 \x00\xff", 12);
  entry.headers = {{"X-Shopify-Webhook-Id", "abc"}};
  Result<int64_t> id = store_->Quarantine(entry);
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  store_.reset();
  Open();
  Result<QuarantineEntry> got = store_->GetQuarantine(*id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->raw, entry.raw);
  EXPECT_EQ(got->reason, entry.reason);
  EXPECT_EQ(got->source, entry.source);
  EXPECT_EQ(got->headers, entry.headers);
  EXPECT_EQ(got->received_at, clock_.Now());
  EXPECT_TRUE(got->message_id.is_nil());
  EXPECT_FALSE(got->resolved_at.has_value());
  EXPECT_EQ(store_->GetQuarantine(*id + 1).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, QuarantineListAndResolve) {
  QuarantineEntry entry;
  entry.flow = "a";
  entry.reason = "bad";
  entry.raw = "x";
  int64_t first = *store_->Quarantine(entry);
  entry.flow = "b";
  entry.message_id = ids_.Next();
  int64_t second = *store_->Quarantine(entry);
  EXPECT_EQ(store_->ListQuarantine({})->size(), 2u);
  QuarantineFilter only_b;
  only_b.flow = "b";
  Result<std::vector<QuarantineEntry>> list = store_->ListQuarantine(only_b);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, second);
  EXPECT_EQ((*list)[0].message_id, entry.message_id);

  EXPECT_EQ(store_->ResolveQuarantine(first, "").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store_->ResolveQuarantine(first, "discarded: test order").ok());
  EXPECT_EQ(store_->ResolveQuarantine(first, "again").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ResolveQuarantine(999, "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListQuarantine({})->size(), 1u);
  QuarantineFilter all;
  all.include_resolved = true;
  list = store_->ListQuarantine(all);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].resolution, "discarded: test order");
  EXPECT_TRUE((*list)[0].resolved_at.has_value());
}

}  // namespace
}  // namespace erphub::store
