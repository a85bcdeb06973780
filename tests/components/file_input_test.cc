#include "components/inputs/file_input.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "component_harness.h"
#include "core/json.h"

namespace erphub::components {
namespace {

namespace fs = std::filesystem;
using testing::Build;
using testing::FakeIntake;
using testing::ReadFile;
using testing::TempDir;
using testing::WaitUntil;
using testing::WriteFile;

class FileInputTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (input_ != nullptr) {
      input_->Stop();
    }
  }

  void StartInput(std::string extra = "") {
    auto input =
        Build<Input>(ComponentKind::kInput, "file: {path: inbox, poll_interval: 10ms" + extra + "}",
                     ComponentEnv{.base_dir = dir_.path().string(), .clock = nullptr});
    ASSERT_TRUE(input.ok()) << input.error().ToString();
    input_ = std::move(*input);
    Status started = input_->Start(InputContext{.flow = "orders", .intake = &intake_});
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  // Drops a file into the inbox the way writers should: written beside it, then renamed in.
  void Drop(const std::string& name, std::string_view content) {
    WriteFile(inbox() / ("." + name + ".partial"), content);
    fs::rename(inbox() / ("." + name + ".partial"), inbox() / name);
  }

  fs::path inbox() const { return dir_.path() / "inbox"; }

  TempDir dir_;
  FakeIntake intake_;
  std::unique_ptr<Input> input_;
};

TEST_F(FileInputTest, NdjsonRecordsAreAcceptedInOneCallThenTheFileMovesToDone) {
  StartInput();
  Drop("orders.ndjson", "{\"id\":1}\n\n{\"id\":2}\r\n{\"id\":3}");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders.ndjson"); }));
  EXPECT_FALSE(fs::exists(inbox() / "orders.ndjson"));
  EXPECT_EQ(intake_.accept_calls(), 1);
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_EQ(ToJson(accepted[0].payload), "{\"id\":1}");
  EXPECT_EQ(ToJson(accepted[2].payload), "{\"id\":3}");
  EXPECT_EQ(accepted[0].source, "file orders.ndjson:1");
  EXPECT_EQ(accepted[1].source, "file orders.ndjson:3");
  EXPECT_EQ(accepted[0].event_id.substr(0, 14), "orders.ndjson@");
  EXPECT_EQ(accepted[1].event_id.substr(accepted[1].event_id.size() - 2), ":3");
  EXPECT_NE(accepted[0].event_id, accepted[1].event_id);
}

TEST_F(FileInputTest, JsonArrayGivesOneMessagePerElementAndAnObjectOne) {
  StartInput();
  Drop("batch.json", "[{\"n\":1},{\"n\":2}]");
  Drop("single.json", "\xEF\xBB\xBF{\"n\":3}");
  Drop("ignored.txt", "{\"n\":4}");
  ASSERT_TRUE(WaitUntil([&] {
    return fs::exists(inbox() / "done/batch.json") && fs::exists(inbox() / "done/single.json");
  }));
  std::vector<IntakeItem> accepted = intake_.accepted();
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_EQ(accepted[0].source, "file batch.json#0");
  EXPECT_EQ(accepted[1].source, "file batch.json#1");
  EXPECT_EQ(accepted[2].source, "file single.json");
  EXPECT_EQ(ToJson(accepted[2].payload), "{\"n\":3}");
  EXPECT_TRUE(fs::exists(inbox() / "ignored.txt"));
}

TEST_F(FileInputTest, BadRecordSendsTheFileToFailedWithAnErrorFileAndQuarantine) {
  StartInput();
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\": 2,,}\n{\"id\":3}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/orders.ndjson"); }));
  std::string error = ReadFile(inbox() / "failed/orders.ndjson.error");
  EXPECT_EQ(error.rfind("orders.ndjson:2: malformed JSON at column 10:", 0), 0u) << error;
  EXPECT_TRUE(intake_.accepted().empty());
  EXPECT_EQ(intake_.accept_calls(), 0);
  std::vector<QuarantineItem> quarantined = intake_.quarantined();
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_EQ(quarantined[0].raw, "{\"id\": 2,,}");
  EXPECT_EQ(quarantined[0].reason + "\n", error);
  EXPECT_EQ(ReadFile(inbox() / "failed/orders.ndjson"), "{\"id\":1}\n{\"id\": 2,,}\n{\"id\":3}\n");
}

TEST_F(FileInputTest, BrokenJsonFileNamesLineAndColumn) {
  StartInput();
  Drop("order.json", "{\n  \"id\": 1\n  \"x\": 2\n}");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/order.json.error"); }));
  std::string error = ReadFile(inbox() / "failed/order.json.error");
  EXPECT_EQ(error.rfind("order.json: malformed JSON at line 3, column 3:", 0), 0u) << error;
}

TEST_F(FileInputTest, OverloadedOrFailingIntakeLeavesTheFileForLater) {
  intake_.set_overloaded(true);
  StartInput();
  Drop("a.ndjson", "{\"n\":1}\n");
  ASSERT_TRUE(WaitUntil([&] { return intake_.overloaded_checks() >= 3; }));
  EXPECT_EQ(intake_.accept_calls(), 0);
  EXPECT_TRUE(fs::exists(inbox() / "a.ndjson"));
  intake_.set_overloaded(false);
  intake_.set_accept_error(UnavailableError("store down"));
  ASSERT_TRUE(WaitUntil([&] { return intake_.accept_calls() >= 2; }));
  EXPECT_TRUE(fs::exists(inbox() / "a.ndjson"));
  EXPECT_FALSE(fs::exists(inbox() / "failed/a.ndjson"));
  intake_.set_accept_error(Status::Ok());
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/a.ndjson"); }));
  EXPECT_EQ(intake_.accepted().size(), 1u);
}

TEST_F(FileInputTest, KeyFailureSendsTheFileToFailed) {
  intake_.set_accept_error(InvalidArgumentError("key expression gave no value for item 1"));
  StartInput();
  Drop("a.ndjson", "{\"n\":1}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "failed/a.ndjson"); }));
  EXPECT_EQ(ReadFile(inbox() / "failed/a.ndjson.error"),
            "a.ndjson: key expression gave no value for item 1\n");
  EXPECT_EQ(intake_.quarantined().size(), 1u);
}

// A file read again (after a crash before its move, or dropped twice) has the same event ids,
// so nothing is stored twice; an earlier file of the same name in done/ is kept.
TEST_F(FileInputTest, ReReadingTheSameFileStoresNothingTwice) {
  StartInput();
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\":2}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders.ndjson"); }));
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\":2}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders-2.ndjson"); }));
  EXPECT_EQ(intake_.accepted().size(), 2u);
  EXPECT_EQ(intake_.accept_calls(), 2);
  Drop("orders.ndjson", "{\"id\":1}\n{\"id\":3}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/orders-3.ndjson"); }));
  EXPECT_EQ(intake_.accepted().size(), 4u);  // different content: new event ids
}

TEST_F(FileInputTest, FormatOverridesTheExtension) {
  StartInput(", format: ndjson");
  Drop("lines.json", "{\"n\":1}\n{\"n\":2}\n");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(inbox() / "done/lines.json"); }));
  EXPECT_EQ(intake_.accepted().size(), 2u);
}

TEST_F(FileInputTest, StopEndsTheWatcher) {
  StartInput();
  input_->Stop();
  Drop("late.ndjson", "{\"n\":1}\n");
  // Stop() joined the watcher: nothing can take the file any more.
  EXPECT_TRUE(fs::exists(inbox() / "late.ndjson"));
  EXPECT_EQ(intake_.accept_calls(), 0);
}

TEST_F(FileInputTest, DoneFolderMustDifferFromTheWatchedOne) {
  auto input = Build<Input>(ComponentKind::kInput, "file: {path: inbox, done_dir: .}");
  ASSERT_FALSE(input.ok());
  EXPECT_NE(input.error().message().find("flows.test.component.done_dir"), std::string::npos)
      << input.error().ToString();
}

}  // namespace
}  // namespace erphub::components
