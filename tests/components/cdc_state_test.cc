#include "components/inputs/cdc_state.h"

#include <gtest/gtest.h>

namespace erphub::components::cdc {
namespace {

TEST(CdcStateTest, ComparesKeysAsPostgresOrdersThem) {
  std::vector<KeyType> integer = {KeyType::kInteger};
  EXPECT_LT(CompareKeys(integer, {"9"}, {"10"}), 0);
  EXPECT_GT(CompareKeys(integer, {"-1"}, {"-2"}), 0);
  EXPECT_EQ(CompareKeys(integer, {"42"}, {"42"}), 0);
  std::vector<KeyType> numeric = {KeyType::kNumeric};
  EXPECT_LT(CompareKeys(numeric, {"1.50"}, {"1.6"}), 0);
  EXPECT_EQ(CompareKeys(numeric, {"1.50"}, {"1.5"}), 0);
  // Text in "C" order: bytes, upper case before lower case.
  std::vector<KeyType> text = {KeyType::kText};
  EXPECT_LT(CompareKeys(text, {"B"}, {"a"}), 0);
  EXPECT_LT(CompareKeys(text, {"ab"}, {"abc"}), 0);
  // Tuples, column by column.
  std::vector<KeyType> pair = {KeyType::kText, KeyType::kInteger};
  EXPECT_LT(CompareKeys(pair, {"a", "10"}, {"b", "2"}), 0);
  EXPECT_LT(CompareKeys(pair, {"a", "2"}, {"a", "10"}), 0);
  EXPECT_FALSE(KeyTypeOf(1082, "date").ok());
  EXPECT_EQ(*KeyTypeOf(2950, "uuid"), KeyType::kUuid);
}

TEST(CdcStateTest, FindsTheSegmentOfAKeyAndRoundTrips) {
  CdcState state;
  state.slot = "s";
  state.start_lsn = 0x100;
  state.lsn = 0x200;
  state.partial_lsn = 0x180;
  state.partial_index = 3;
  TableState table;
  table.name = "public.items";
  table.last = Key{"20"};
  table.segments = {Segment{std::nullopt, 0x100}, Segment{Key{"4"}, 0x150},
                    Segment{Key{"12"}, 0x170}};
  state.tables.push_back(table);
  std::vector<KeyType> types = {KeyType::kInteger};
  EXPECT_EQ(SegmentOf(table, types, {"1"})->lsn, 0x100u);
  EXPECT_EQ(SegmentOf(table, types, {"4"})->lsn, 0x100u);
  EXPECT_EQ(SegmentOf(table, types, {"5"})->lsn, 0x150u);
  EXPECT_EQ(SegmentOf(table, types, {"12"})->lsn, 0x150u);
  EXPECT_EQ(SegmentOf(table, types, {"100"})->lsn, 0x170u);

  auto decoded = DecodeState(EncodeState(state));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(EncodeState(*decoded), EncodeState(state));
  EXPECT_EQ(decoded->partial_index, 3);
  EXPECT_EQ(decoded->tables[0].segments[2].after, (Key{"12"}));
  CdcState reset;
  reset.resnapshot = true;
  EXPECT_TRUE(DecodeState(EncodeState(reset))->resnapshot);
  EXPECT_FALSE(DecodeState("[]").ok());
  EXPECT_FALSE(DecodeState(R"({"slot":"s","start_lsn":"nope"})").ok());
}

}  // namespace
}  // namespace erphub::components::cdc
