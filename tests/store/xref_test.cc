#include "store_test_util.h"

namespace erphub::store {
namespace {

TEST_P(StoreTest, CrossReferencesLinkAnExternalIdToEachSystemsId) {
  EXPECT_EQ(*store_->LookupXref("tryton", "party", "shopify:207119551"), std::nullopt);
  ASSERT_TRUE(store_->PutXref("tryton", "party", "shopify:207119551", "42").ok());
  ASSERT_TRUE(store_->PutXref("crm", "party", "shopify:207119551", "0015g00000XyZ").ok());
  EXPECT_EQ(*store_->LookupXref("tryton", "party", "shopify:207119551"), "42");
  EXPECT_EQ(*store_->LookupXref("crm", "party", "shopify:207119551"), "0015g00000XyZ");
  // Another entity with the same external id is another record.
  EXPECT_EQ(*store_->LookupXref("tryton", "product", "shopify:207119551"), std::nullopt);

  // A record recreated in the system replaces the link; it survives a restart.
  ASSERT_TRUE(store_->PutXref("tryton", "party", "shopify:207119551", "57").ok());
  Open();
  EXPECT_EQ(*store_->LookupXref("tryton", "party", "shopify:207119551"), "57");
}

TEST_P(StoreTest, ACrossReferenceNeedsEveryPart) {
  EXPECT_EQ(store_->PutXref("tryton", "party", "", "42").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->PutXref("", "party", "shopify:1", "42").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace erphub::store
