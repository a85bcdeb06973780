#include "net/headers.h"

#include <gtest/gtest.h>

namespace erphub::net {
namespace {

TEST(HeadersTest, LookupIgnoresCaseAndKeepsOrder) {
  Headers headers;
  headers.Add("Content-Type", "application/json");
  headers.Add("X-Shopify-Hmac-Sha256", "abc=");
  headers.Add("set-cookie", "a=1");
  headers.Add("Set-Cookie", "b=2");
  EXPECT_EQ(headers.Get("content-type"), "application/json");
  EXPECT_EQ(headers.Get("X-SHOPIFY-HMAC-SHA256"), "abc=");
  EXPECT_EQ(headers.Get("Missing"), std::nullopt);
  EXPECT_EQ(headers.GetOr("Missing", "dflt"), "dflt");
  EXPECT_EQ(headers.GetAll("SET-COOKIE"), (std::vector<std::string_view>{"a=1", "b=2"}));
  EXPECT_EQ(headers.entries()[1].first, "X-Shopify-Hmac-Sha256");
}

TEST(HeadersTest, SetReplacesEveryFieldOfTheName) {
  Headers headers{{"A", "1"}, {"B", "2"}, {"a", "3"}};
  headers.Set("a", "4");
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers.entries()[0], (Headers::Entry{"A", "4"}));
  EXPECT_EQ(headers.entries()[1], (Headers::Entry{"B", "2"}));
  headers.Set("C", "5");
  EXPECT_EQ(headers.Get("c"), "5");
}

TEST(HeadersTest, RemoveCountsRemovedFields) {
  Headers headers{{"A", "1"}, {"B", "2"}, {"a", "3"}};
  EXPECT_EQ(headers.Remove("A"), 2u);
  EXPECT_EQ(headers.Remove("A"), 0u);
  EXPECT_EQ(headers.size(), 1u);
}

TEST(HeadersTest, EqualsIgnoreCase) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Length", "content-LENGTH"));
  EXPECT_FALSE(EqualsIgnoreCase("Content-Length", "Content-Lengt"));
  EXPECT_FALSE(EqualsIgnoreCase("a-b", "a_b"));
}

}  // namespace
}  // namespace erphub::net
