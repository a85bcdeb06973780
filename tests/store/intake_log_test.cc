#include "store/sqlite/intake_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "store/sqlite/intake_record.h"
#include "store_test_util.h"

namespace erphub::store {
namespace {

namespace fs = std::filesystem;

class IntakeLogTest : public testing::Test {
 protected:
  std::unique_ptr<IntakeLog> OpenLog(std::vector<IntakeLog::Record>* recovered,
                                     uint64_t segment_bytes = IntakeLog::kSegmentBytes) {
    Result<std::unique_ptr<IntakeLog>> log =
        IntakeLog::Open(prefix(), true, -1, recovered, segment_bytes);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }
  std::string prefix() const { return dir_.File("hub.db-intake"); }
  // The log's files (not the spare), oldest first.
  std::vector<std::string> Segments() const {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(fs::path(prefix()).parent_path())) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("hub.db-intake-0", 0) == 0) files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  static std::vector<std::string> Bodies(const std::vector<IntakeLog::Record>& records) {
    std::vector<std::string> bodies;
    for (const auto& r : records) bodies.push_back(r.body);
    return bodies;
  }
  static void Corrupt(const std::string& path, off_t at) {
    int fd = ::open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    char byte = 0;
    ASSERT_EQ(::pread(fd, &byte, 1, at), 1);
    byte = static_cast<char>(byte ^ 0x5a);
    ASSERT_EQ(::pwrite(fd, &byte, 1, at), 1);
    ::close(fd);
  }

  TempDir dir_;
};

TEST_F(IntakeLogTest, RecordsSurviveReopeningInOrder) {
  std::vector<IntakeLog::Record> recovered;
  {
    auto log = OpenLog(&recovered);
    EXPECT_TRUE(recovered.empty());
    std::vector<std::string> first = {"one", "two"};
    EXPECT_EQ(*log->Append(first), 1u);
    std::vector<std::string> second = {"three"};
    EXPECT_EQ(*log->Append(second), 3u);
  }
  auto log = OpenLog(&recovered);
  EXPECT_EQ(Bodies(recovered), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(recovered.back().sequence, 3u);
  // Sequences go on where they stopped.
  std::vector<std::string> more = {"four"};
  EXPECT_EQ(*log->Append(more), 4u);
}

TEST_F(IntakeLogTest, ATornLastRecordIsDroppedAndOverwritten) {
  std::vector<IntakeLog::Record> recovered;
  {
    auto log = OpenLog(&recovered);
    std::vector<std::string> bodies = {"first record", "second record", "third record"};
    ASSERT_TRUE(log->Append(bodies).ok());
  }
  // The last write was cut short: its final bytes never reached the disk.
  const std::string file = Segments().at(0);
  fs::resize_file(file, fs::file_size(file) - 3);
  {
    auto log = OpenLog(&recovered);
    EXPECT_EQ(Bodies(recovered), (std::vector<std::string>{"first record", "second record"}));
    std::vector<std::string> next = {"replacement"};
    EXPECT_EQ(*log->Append(next), 3u);
  }
  recovered.clear();
  OpenLog(&recovered);
  EXPECT_EQ(Bodies(recovered),
            (std::vector<std::string>{"first record", "second record", "replacement"}));
}

TEST_F(IntakeLogTest, DamageBeforeTheNewestFileIsDataLoss) {
  std::vector<IntakeLog::Record> recovered;
  {
    auto log = OpenLog(&recovered, /*segment_bytes=*/100);
    for (int i = 0; i < 3; ++i) {
      std::vector<std::string> body = {std::string(120, static_cast<char>('a' + i))};
      ASSERT_TRUE(log->Append(body).ok());
    }
  }
  ASSERT_EQ(Segments().size(), 3u);
  Corrupt(Segments()[0], 40);  // inside the first record's body
  Result<std::unique_ptr<IntakeLog>> log = IntakeLog::Open(prefix(), true, -1, &recovered, 100);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(log.status().ToString().find("damaged at byte 0"), std::string::npos)
      << log.status().ToString();
}

TEST_F(IntakeLogTest, ReleasedFilesAreRecycledWithoutReplayingOldRecords) {
  std::vector<IntakeLog::Record> recovered;
  uint64_t last = 0;
  {
    auto log = OpenLog(&recovered, /*segment_bytes=*/100);
    for (int i = 0; i < 6; ++i) {
      std::vector<std::string> body = {std::string(120, static_cast<char>('a' + i))};
      last = *log->Append(body);
      ASSERT_TRUE(log->Release(last - 1).ok());
    }
    EXPECT_LE(Segments().size(), 2u);
    EXPECT_TRUE(fs::exists(prefix() + "-spare.log"));
    // A short record in a recycled, longer file: the older bytes after it are not records.
    std::vector<std::string> short_body = {"short"};
    last = *log->Append(short_body);
  }
  auto log = OpenLog(&recovered, 100);
  ASSERT_FALSE(recovered.empty());
  EXPECT_EQ(recovered.back().sequence, last);
  EXPECT_EQ(recovered.back().body, "short");
  for (size_t i = 1; i < recovered.size(); ++i) {
    EXPECT_EQ(recovered[i].sequence, recovered[i - 1].sequence + 1);
  }
}

TEST(IntakeRecordTest, EncodesAndDecodes) {
  IntakeRecord r;
  r.id = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
  r.flow = "orders";
  r.business_key = "1001";
  r.event_id = "evt-1";
  r.payload_json = R"({"id":1001})";
  r.headers_json = "[]";
  r.received_at_us = 1700000000000000;
  r.accepted_at_us = 1700000000000123;
  r.outputs = {"@steps", "erp"};
  r.source = "webhook";
  Result<IntakeRecord> back = DecodeIntakeRecord(EncodeIntakeRecord(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->outputs, r.outputs);
  EXPECT_EQ(back->accepted_at_us, r.accepted_at_us);
  EXPECT_EQ(back->source, r.source);
  std::string truncated = EncodeIntakeRecord(r);
  truncated.pop_back();
  EXPECT_EQ(DecodeIntakeRecord(truncated).status().code(), StatusCode::kDataLoss);
}

// A message whose acceptance reached the log but not the tables (the process died between) is
// in the tables after the next open, with its deliveries ready.
TEST_F(StoreTest, AcceptancesLeftInTheLogAreAppliedAtOpen) {
  store_.reset();
  Acceptance a = Make("orders", "1001", R"({"id":1001})");
  {
    std::vector<IntakeLog::Record> recovered;
    Result<std::unique_ptr<IntakeLog>> log =
        IntakeLog::Open(path() + "-intake", true, -1, &recovered);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    IntakeRecord r;
    r.id = a.message.id.ToString();
    r.flow = a.message.flow;
    r.business_key = a.message.business_key;
    r.payload_json = R"({"id":1001})";
    r.headers_json = "[]";
    r.received_at_us = ToUnixMicros(clock_.Now());
    r.accepted_at_us = r.received_at_us;
    r.outputs = a.outputs;
    std::vector<std::string> bodies = {EncodeIntakeRecord(r), EncodeIntakeRecord(r)};
    ASSERT_TRUE((*log)->Append(bodies).ok());  // twice: applied once
  }
  Open();
  Result<MessageTrace> trace = store_->Trace(a.message.id);
  ASSERT_TRUE(trace.ok()) << trace.status().ToString();
  EXPECT_EQ(trace->deliveries.size(), 1u);
  std::vector<ClaimedDelivery> claimed = Claim();
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].message.id, a.message.id);
}

// While one store object owns the intake log (the hub), another on the same file (the CLI)
// commits acceptances to the tables itself; the owner sees them at once, and the other sees the
// owner's as soon as they are copied from the log, within milliseconds.
TEST_F(StoreTest, ASecondOpenerCommitsDirectly) {
  Result<std::unique_ptr<Store>> second = OpenSqliteStore(path(), Options());
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  Acceptance other = Make("orders", "2", "{}");
  ASSERT_TRUE((*second)->Accept(std::span<const Acceptance>(&other, 1)).ok());
  EXPECT_TRUE(store_->Trace(other.message.id).ok());

  MessageId first_id = AcceptOne(Make("orders", "1", "{}"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!(*second)->Trace(first_id).ok() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE((*second)->Trace(first_id).ok());
}

}  // namespace
}  // namespace erphub::store
