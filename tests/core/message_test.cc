#include "core/message.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace erphub {
namespace {

TEST(MessageIdTest, TextRoundTripsAndIsCanonical) {
  FakeClock clock;
  SeededRandom random(7);
  MessageIdGenerator ids(clock, random);
  MessageId id = ids.Next();
  std::string text = id.ToString();
  ASSERT_EQ(text.size(), 36u);
  EXPECT_EQ(text[8], '-');
  EXPECT_EQ(text[14], '7');                                          // version 7
  EXPECT_NE(std::string("89ab").find(text[19]), std::string::npos);  // RFC 9562 variant
  Result<MessageId> parsed = MessageId::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, id);
  std::string upper = text;
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(*MessageId::Parse(upper), id);
}

TEST(MessageIdTest, ParseRejectsMalformedText) {
  EXPECT_FALSE(MessageId::Parse("").ok());
  EXPECT_FALSE(MessageId::Parse("018f3a6b-7c1d-7e2f-8a3b-4c5d6e7f809").ok());
  EXPECT_FALSE(MessageId::Parse("018f3a6b-7c1d-7e2f-8a3b-4c5d6e7f809g").ok());
  EXPECT_FALSE(MessageId::Parse("018f3a6b07c1d-7e2f-8a3b-4c5d6e7f8091").ok());
  EXPECT_EQ(MessageId::Parse("018f3a6b_7c1d-7e2f-8a3b-4c5d6e7f8091").status().code(),
            StatusCode::kParse);
  EXPECT_TRUE(MessageId::Parse("00000000-0000-0000-0000-000000000000")->is_nil());
}

TEST(MessageIdTest, CarriesItsCreationTime) {
  FakeClock clock(FromUnixMicros(1714557600123456));
  SeededRandom random(1);
  MessageIdGenerator ids(clock, random);
  EXPECT_EQ(ToUnixMicros(ids.Next().timestamp()), 1714557600123000);
  EXPECT_TRUE(ids.Next().ToString().starts_with("018f3398-c17b-7"));
}

TEST(MessageIdTest, StrictlyIncreasesWithinAMillisecondAndWhenTheClockStepsBack) {
  FakeClock clock;
  SeededRandom random(3);
  MessageIdGenerator ids(clock, random);
  MessageId previous = ids.Next();
  for (int i = 0; i < 10000; ++i) {
    if (i == 5000) {
      clock.Advance(std::chrono::seconds(-10));
    }
    if (i % 1000 == 999) {
      clock.Advance(std::chrono::milliseconds(1));
    }
    MessageId next = ids.Next();
    ASSERT_LT(previous, next) << i;
    ASSERT_LT(previous.ToString(), next.ToString()) << i;
    previous = next;
  }
}

TEST(MessageIdTest, UniqueAcrossThreads) {
  SystemClock clock;
  MessageIdGenerator ids(clock, SystemRandom::Default());
  std::vector<std::vector<MessageId>> made(4);
  std::vector<std::thread> threads;
  for (auto& list : made) {
    threads.emplace_back([&ids, &list] {
      for (int i = 0; i < 5000; ++i) {
        list.push_back(ids.Next());
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::set<MessageId> all;
  for (const auto& list : made) {
    for (size_t i = 1; i < list.size(); ++i) {
      ASSERT_LT(list[i - 1], list[i]);
    }
    all.insert(list.begin(), list.end());
  }
  EXPECT_EQ(all.size(), 20000u);
}

TEST(IdempotencyKeyTest, StablePerTripleAndDistinctOtherwise) {
  MessageId a = *MessageId::Parse("018f3a6b-7c1d-7e2f-8a3b-4c5d6e7f8091");
  MessageId b = *MessageId::Parse("018f3a6b-7c1d-7e2f-8a3b-4c5d6e7f8092");
  std::string key = IdempotencyKey("shop-orders", a, "erp");
  EXPECT_EQ(key, IdempotencyKey("shop-orders", a, "erp"));
  EXPECT_EQ(key.size(), 53u);
  EXPECT_TRUE(key.starts_with(a.ToString() + "-"));
  for (char c : key) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-');
  }
  EXPECT_NE(key, IdempotencyKey("shop-orders", a, "archive"));
  EXPECT_NE(key, IdempotencyKey("shop-orders", b, "erp"));
  EXPECT_NE(key, IdempotencyKey("other", a, "erp"));
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  EXPECT_NE(IdempotencyKey("ab", a, "c"), IdempotencyKey("a", a, "bc"));
}

TEST(HeadersTest, FindsCaseInsensitively) {
  Headers headers = {{"Content-Type", "application/json"}, {"X-Shopify-Webhook-Id", "abc"}};
  ASSERT_NE(FindHeader(headers, "x-shopify-webhook-id"), nullptr);
  EXPECT_EQ(*FindHeader(headers, "x-shopify-webhook-id"), "abc");
  EXPECT_EQ(FindHeader(headers, "x-shopify-webhook"), nullptr);
}

}  // namespace
}  // namespace erphub
