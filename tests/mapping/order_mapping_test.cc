// The benchmark's order mapping must give the reference implementation's output (equal as JSON,
// numbers compared as doubles), so the figures in bench/jsonata measure the right work.

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/json.h"
#include "mapping/jsonata.h"
#include "mapping/suite_equal.h"

namespace erphub::jsonata {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kData = std::string(ERPHUB_SOURCE_DIR) + "/tests/data/bench/";

TEST(OrderMappingTest, MatchesReferenceOutput) {
  auto expression = Expression::Compile(ReadFile(kData + "order-to-erp.jsonata"));
  ASSERT_TRUE(expression.ok()) << expression.error().ToString();
  auto order = ParseJson(ReadFile(kData + "order.json"));
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  auto expected = ParseJson(ReadFile(kData + "erp-order.json"));
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();

  auto result = expression->Evaluate(*order);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_TRUE(SuiteEqual(*result, *expected)) << "got:\n"
                                              << ToJson(*result, {.indent = 2}) << "\nexpected:\n"
                                              << ToJson(*expected, {.indent = 2});
  EXPECT_EQ(result->Get("totals").Get("matchesSource").as_bool(), true);
}

TEST(OrderMappingTest, EvaluatesConcurrentlyFromOneCompiledExpression) {
  auto expression = Expression::Compile(ReadFile(kData + "order-to-erp.jsonata"));
  ASSERT_TRUE(expression.ok());
  auto order = ParseJson(ReadFile(kData + "order.json"));
  ASSERT_TRUE(order.ok());
  auto first = expression->Evaluate(*order);
  ASSERT_TRUE(first.ok());
  std::string expected = ToJson(*first);

  std::vector<std::thread> workers;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto result = expression->Evaluate(*order);
        if (!result.ok() || ToJson(*result) != expected) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace erphub::jsonata
