#include "core/log.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/json.h"

namespace erphub {
namespace {

TEST(LoggerTest, OneJsonObjectPerLine) {
  std::vector<std::string> lines;
  Logger log([&](std::string_view line) { lines.emplace_back(line); });
  log.Info("engine.started", {{"flows", Value::Int(2)}, {"node", Value::Str("a\"b")}});
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_EQ(lines[0].back(), '\n');
  Result<Value> v = ParseJson(lines[0]);
  ASSERT_TRUE(v.ok()) << lines[0];
  EXPECT_EQ(v->Get("level").as_string(), "info");
  EXPECT_EQ(v->Get("event").as_string(), "engine.started");
  EXPECT_EQ(v->Get("flows").as_number().ToInt64(), 2);
  EXPECT_EQ(v->Get("node").as_string(), "a\"b");
  EXPECT_EQ(v->Get("time").as_string().size(), std::string("2024-05-01T10:00:00.123456Z").size());
}

TEST(LoggerTest, LevelsFilterAndUndefinedFieldsAreLeftOut) {
  std::vector<std::string> lines;
  Logger log([&](std::string_view line) { lines.emplace_back(line); }, LogLevel::kWarn);
  log.Info("quiet");
  log.Debug("quieter");
  log.Warn("loud", {{"missing", Value()}});
  log.Error("louder");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("missing"), std::string::npos);
  EXPECT_NE(lines[1].find("\"level\":\"error\""), std::string::npos);
  log.SetLevel(LogLevel::kDebug);
  log.Debug("now");
  EXPECT_EQ(lines.size(), 3u);
}

TEST(LoggerTest, ParsesLevelNames) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_FALSE(ParseLogLevel("verbose").ok());
}

TEST(LoggerTest, LinesFromManyThreadsStayWhole) {
  std::vector<std::string> lines;
  Logger log([&](std::string_view line) { lines.emplace_back(line); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        log.Info("tick", {{"i", Value::Int(i)}});
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  ASSERT_EQ(lines.size(), 2000u);
  for (const std::string& line : lines) {
    ASSERT_TRUE(ParseJson(line).ok()) << line;
  }
}

}  // namespace
}  // namespace erphub
