#include "components/outputs/file_output.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include "component_harness.h"
#include "core/json.h"

namespace erphub::components {
namespace {

namespace fs = std::filesystem;
using testing::Build;
using testing::ReadFile;
using testing::TempDir;
using testing::TestMessage;

class FileOutputTest : public ::testing::Test {
 protected:
  std::unique_ptr<Output> Make(const std::string& fields) {
    auto output = Build<Output>(ComponentKind::kOutput, "file: {" + fields + "}",
                                ComponentEnv{.base_dir = dir_.path().string(), .clock = nullptr});
    EXPECT_TRUE(output.ok()) << output.error().ToString();
    return output.ok() ? std::move(*output) : nullptr;
  }

  Result<Delivered, Failure> Deliver(Output& output, const Value& payload) {
    Message message = TestMessage(payload);
    return output.Deliver(
        Delivery{.message = &message, .payload = &payload, .idempotency_key = "key", .attempt = 1});
  }

  TempDir dir_;
};

TEST_F(FileOutputTest, NdjsonAppendsOneLinePerMessageFromConcurrentWorkers) {
  auto output = Make("path: out/orders.ndjson");
  ASSERT_NE(output, nullptr);
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Value payload =
            *ParseJson("{\"worker\": " + std::to_string(t) + ", \"i\": " + std::to_string(i) +
                       ", \"pad\": \"" + std::string(3000, 'x') + "\"}");
        auto result = Deliver(*output, payload);
        EXPECT_TRUE(result.ok()) << result.error().error;
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
  std::istringstream lines(ReadFile(dir_.path() / "out/orders.ndjson"));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_TRUE(ParseJson(line).ok()) << line.substr(0, 80);
  }
  EXPECT_EQ(count, 100);
}

TEST_F(FileOutputTest, PerMessageWritesNamedFilesAtomically) {
  auto output = Make("path: out, mode: per-message, name: \"{{ order_number }}.json\"");
  ASSERT_NE(output, nullptr);
  Value first = *ParseJson(R"({"order_number": "1042", "v": 1})");
  ASSERT_TRUE(Deliver(*output, first).ok());
  EXPECT_EQ(ReadFile(dir_.path() / "out/1042.json"), "{\"order_number\":\"1042\",\"v\":1}\n");
  // A retried delivery replaces its own file.
  Value again = *ParseJson(R"({"order_number": "1042", "v": 2})");
  ASSERT_TRUE(Deliver(*output, again).ok());
  EXPECT_EQ(ReadFile(dir_.path() / "out/1042.json"), "{\"order_number\":\"1042\",\"v\":2}\n");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path() / "out")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);  // no temporary files left behind
}

TEST_F(FileOutputTest, PerMessageDefaultNameIsTheMessageId) {
  auto output = Make("path: out, mode: per-message");
  ASSERT_NE(output, nullptr);
  Value payload = *ParseJson(R"({"a": 1})");
  Message message = TestMessage(payload);
  ASSERT_TRUE(
      output
          ->Deliver(Delivery{
              .message = &message, .payload = &payload, .idempotency_key = "k", .attempt = 1})
          .ok());
  EXPECT_TRUE(fs::exists(dir_.path() / "out" / (message.id.ToString() + ".json")));
}

TEST_F(FileOutputTest, NameThatLeavesTheFolderFailsPermanently) {
  auto output = Make("path: out, mode: per-message, name: \"{{ name }}\"");
  ASSERT_NE(output, nullptr);
  for (std::string_view name : {"../escape.json", "..", "a/b.json"}) {
    Value payload = Value::MakeObject();
    payload.Set("name", Value::Str(name));
    auto result = Deliver(*output, payload);
    ASSERT_FALSE(result.ok()) << name;
    EXPECT_FALSE(result.error().transient);
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "escape.json"));
  auto missing = Deliver(*output, *ParseJson("{}"));
  ASSERT_FALSE(missing.ok());
  EXPECT_FALSE(missing.error().transient);
}

TEST_F(FileOutputTest, UnwritableTargetFails) {
  fs::create_directories(dir_.path() / "blocked");
  testing::WriteFile(dir_.path() / "blocked/file-not-folder", "a file where a folder should be");
  auto output = Make("path: blocked/file-not-folder/x.ndjson");
  ASSERT_NE(output, nullptr);
  auto result = Deliver(*output, *ParseJson("{}"));
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().transient) << result.error().error;
}

}  // namespace
}  // namespace erphub::components
